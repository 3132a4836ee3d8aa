"""The partner's steps of the login pipeline (``store.login_pipeline.STAGES``)."""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from store import login_strength
from store.login_pipeline import LoginContext, register

from . import flows, revocation
from .client import PartnerUnavailable

logger = logging.getLogger("keymap.receivers")

_CONNECT_REFUSED = _(
    "To connect a social account, first log in with your password or a social account."
)


def _connecting(ctx: LoginContext) -> bool:
    return bool(ctx.sociallogin.state.get("process") == AuthProcess.CONNECT)


def refuse_user_id_connect(ctx: LoginContext) -> None:
    if _connecting(ctx) and login_strength.is_user_id_only(ctx.request):
        # A user ID is no secret: connecting one's own social account to the customer
        # it names would hand over that customer at the next social login.
        logger.warning("social connect refused for a user-ID session")
        messages.error(ctx.request, _CONNECT_REFUSED)
        raise ImmediateHttpResponse(HttpResponseRedirect(reverse("keymap:stronger_login")))


def ask_partner(ctx: LoginContext) -> None:
    """The social-login webhook; an existing or linked customer is updated right away."""
    if _connecting(ctx):
        # Connecting from the account page: the shopper is already logged in; linking
        # follows logins, not connections.
        return
    try:
        ctx.partner = flows.social_login(ctx.request, ctx.sociallogin, existing=not ctx.is_new)
    except (flows.PartnerRefused, PartnerUnavailable) as exc:
        messages.error(ctx.request, exc.message)
        raise ImmediateHttpResponse(HttpResponseRedirect(reverse("account_login"))) from None


def store_partner_answer(ctx: LoginContext) -> None:
    """A social signup's partner answer: the new user's partner link, and its profile values
    for the customer row that ``store.write_customer`` writes next."""
    if ctx.partner is not None and ctx.kind == "social":
        ctx.changes.update(flows.store_social_signup(ctx.user, ctx.partner, ctx.changes))
        ctx.partner = None


def stamp_session_login_time(ctx: LoginContext) -> None:
    """When this session logged in: a later "not before" (security event, deletion) ends it."""
    revocation.stamp_login(ctx.request.session)


def register_steps() -> None:
    register("keymap.refuse_user_id_connect", refuse_user_id_connect)
    register("keymap.ask_partner", ask_partner)
    register("keymap.store_partner_answer", store_partner_answer)
    register("keymap.stamp_session_login_time", stamp_session_login_time)
