"""Glue between allauth's signals and the partner flows."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import flows, revocation
from .webhooks import PartnerUnavailable

logger = logging.getLogger("keymap.receivers")

_CONNECT_REFUSED = _(
    "To connect a social account, first log in with your password or a social account."
)


def _on_pre_social_login(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.providers.base import AuthProcess

    if sociallogin.state.get("process") == AuthProcess.CONNECT:
        if request.session.get(flows.SESSION_USER_ID_LOGIN):
            # A user ID is no secret: connecting one's own social account to the customer
            # it names would hand over that customer at the next social login.
            logger.warning("social connect refused for a user-ID session")
            messages.error(request, _CONNECT_REFUSED)
            raise ImmediateHttpResponse(HttpResponseRedirect(reverse("keymap:stronger_login")))
        # Connecting from the account page: the shopper is already logged in; linking
        # follows logins, not connections.
        return
    try:
        flows.social_login(request, sociallogin)
    except (flows.PartnerRefused, PartnerUnavailable) as exc:
        messages.error(request, exc.message)
        raise ImmediateHttpResponse(HttpResponseRedirect(reverse("account_login"))) from None


def _on_user_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None or request is None or not hasattr(request, "session"):
        return
    flows.pending_social_signup(request, user, sociallogin)


def _on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Remember how the session logged in (the JWT's ``type``); user-ID is the weakest."""
    if request is None or not hasattr(request, "session"):
        return
    if getattr(request, "_keymap_user_id_login", False):
        login_type = "server_custom_id"
        request.session[flows.SESSION_USER_ID_LOGIN] = True
    else:
        login_type = getattr(request, "_keymap_login_type", "store")
        request.session.pop(flows.SESSION_USER_ID_LOGIN, None)
    request.session[flows.SESSION_LOGIN_TYPE] = login_type
    revocation.stamp_login(request.session)


def _on_user_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A JWT handed to this session ends with it."""
    if request is not None and hasattr(request, "session"):
        revocation.revoke_session_tokens(request.session, user)


def _on_allauth_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """allauth's own signal comes after Django's and names the social login, if any."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None and request is not None and hasattr(request, "session"):
        request.session.pop(flows.SESSION_USER_ID_LOGIN, None)
        request.session[flows.SESSION_LOGIN_TYPE] = sociallogin.account.provider


def _on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """The partner's answer holds personal data, and the link would let the ID log in again."""
    from .models import PartnerLink

    PartnerLink.objects.filter(user=user).delete()
    revocation.revoke_all(user, "account deleted")


def connect() -> None:
    from allauth.account.signals import user_logged_in as allauth_logged_in
    from allauth.account.signals import user_signed_up
    from allauth.socialaccount.signals import pre_social_login
    from django.contrib.auth.signals import user_logged_in, user_logged_out

    from store.signals import account_deleting

    account_deleting.connect(_on_account_deleting, dispatch_uid="keymap.account_deleting")
    pre_social_login.connect(_on_pre_social_login, dispatch_uid="keymap.social_login")
    user_signed_up.connect(_on_user_signed_up, dispatch_uid="keymap.social_signup")
    user_logged_in.connect(_on_user_logged_in, dispatch_uid="keymap.login_type")
    user_logged_out.connect(_on_user_logged_out, dispatch_uid="keymap.logout_revokes_jwts")
    allauth_logged_in.connect(_on_allauth_logged_in, dispatch_uid="keymap.social_login_type")
