"""The partner's steps of the login pipeline (``store.default_pipeline``)."""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sociallogin.headless import view_url
from store import login_strength
from store.login_pipeline import LoginContext, login_step

from . import flows, revocation
from .client import PartnerUnavailable
from .flows import PartnerAnswer

logger = logging.getLogger(__name__)

_CONNECT_REFUSED = _(
    "To connect a social account, first log in with your password or a social account."
)


@login_step(kinds={"social"}, promise="user_id_connects_nothing")
def refuse_user_id_connect(ctx: LoginContext) -> None:
    if ctx.connecting and login_strength.is_user_id_only(ctx.request):
        # A user ID is no secret: connecting one's own social account to the customer
        # it names would hand over that customer at the next social login.
        logger.warning("social connect refused for a user-ID session")
        messages.error(ctx.request, _CONNECT_REFUSED)
        raise ImmediateHttpResponse(HttpResponseRedirect(reverse("keymap:stronger_login")))


@login_step(kinds={"social"}, promise="partner_decides")
def ask_partner(ctx: LoginContext) -> None:
    """The social-login webhook; an existing or linked customer is updated right away, a new
    one's answer waits on the context for its signup (:func:`store_partner_answer`)."""
    if ctx.connecting:
        # Connecting from the account page: the shopper is already logged in; linking
        # follows logins, not connections.
        return
    try:
        answer = flows.social_login(ctx.request, ctx.sociallogin, existing=not ctx.is_new)
    except (flows.PartnerRefused, PartnerUnavailable) as exc:
        messages.error(ctx.request, exc.message)
        raise ImmediateHttpResponse(
            HttpResponseRedirect(view_url(ctx.request, "account_login"))
        ) from None
    if answer is not None:
        ctx.put(answer)


@login_step(kinds={"social"})
def store_partner_answer(ctx: LoginContext) -> None:
    """A social signup's partner answer: the new user's partner link, and its profile values
    for the customer row that ``store.login_steps.write_customer`` writes next."""
    answer = ctx.pop(PartnerAnswer)
    if answer is not None:
        ctx.changes.update(flows.store_social_signup(ctx.user, answer, ctx.changes))


@login_step(promise="session_revocation")
def stamp_session_login_time(ctx: LoginContext) -> None:
    """When this session logged in: a later "not before" (security event, deletion) ends it."""
    revocation.stamp_login(ctx.request.session)
