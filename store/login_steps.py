"""The store's steps of the login pipeline, and the signals that run its later stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from . import login_pipeline, login_strength
from .login_pipeline import LoginContext, LoginPart, login_step
from .login_strength import Strength
from .models import JoinChannel
from .services import customers


@dataclass
class AccountWelcome(LoginPart):
    """Whether the login's provider account was welcomed before (its link since ended),
    as the new-account screening found it; without it, the signup asks itself."""

    key = "store.account_welcome"
    welcomed_before: bool


@login_step(kinds={"social"}, promise="customer_row")
def write_customer(ctx: LoginContext) -> None:
    """The new user joins: its customer row with its profile and the welcome benefits.

    The user was created by this signup's ``save_user``, in this transaction: the row is
    inserted already onboarded (no second write of it, no lock, no savepoint).
    """
    account = ctx.sociallogin.account if ctx.sociallogin is not None else None
    screened = ctx.get(AccountWelcome)
    customers.join(
        ctx.user,
        ctx.provider,
        ctx.changes,
        request=ctx.request,
        # The benefits come once per provider account: one that joined before (its link
        # since ended) joins without them.
        account=(account.provider, str(account.uid)) if account is not None else None,
        welcomed_before=screened.welcomed_before if screened is not None else None,
    )


@login_step(kinds={"signup"}, promise="welcome_benefits")
def onboard(ctx: LoginContext) -> None:
    """A signup through the store's form (a social one joined in ``save_user``)."""
    customers.onboard(ctx.user, JoinChannel.STORE, request=ctx.request)


@login_step(promise="login_strength")
def record_login_strength(ctx: LoginContext) -> None:
    login_strength.record(ctx.request, ctx.strength, ctx.login_type)


@login_step(skip_signup=True)
def onboard_deferred(ctx: LoginContext) -> None:
    """A customer who joined by user ID gets the welcome benefits at a stronger login."""
    if ctx.strength > Strength.USER_ID:
        customers.onboard_deferred(ctx.user, request=ctx.request)


# --- the hooks: allauth's and Django's public signals ---------------------------------------


def _has_session(request: Any) -> bool:
    return request is not None and hasattr(request, "session")


def on_user_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        ctx = login_pipeline.for_social(request, sociallogin)
    else:
        ctx = login_pipeline.current(request) or login_pipeline.begin(request, "signup")
        ctx.kind = "signup"
    ctx.user, ctx.signed_up = user, True
    login_pipeline.run("user_signed_up", ctx)


def _login_type(user: Any) -> str:
    """A backend may name its logins (``login_type``, e.g. the partner's); else "store"."""
    path = getattr(user, "backend", None)
    if not path or path not in settings.AUTHENTICATION_BACKENDS:
        return "store"
    return str(getattr(import_string(path), "login_type", "store"))


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Django's signal: every ``login()``, whatever view calls it, runs ``user_logged_in``
    once, on the login's context (a social or user-ID login made it earlier in the request;
    anything else is a password login)."""
    if not _has_session(request):
        return
    ctx = login_pipeline.current(request)
    if ctx is None:
        ctx = login_pipeline.begin(request, "password")
    if ctx.kind in ("password", "signup"):
        ctx.login_type = _login_type(user)
    ctx.user = user
    login_pipeline.run("user_logged_in", ctx)


def on_social_account_added(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    """A social account connected from the account page; one a login under way connects
    (the partner's linked customer, the proof of ownership) belongs to that login."""
    ctx = login_pipeline.for_social(request, sociallogin)
    if ctx.connecting:
        ctx.user = sociallogin.user
        login_pipeline.run("social_account_added", ctx)


def user_id_login(request: Any, user: Any, backend: str) -> None:
    """Log ``user`` in by user ID only: the session is the weakest from its first moment."""
    from django.contrib.auth import login

    login_pipeline.begin(
        request,
        "user_id",
        strength=Strength.USER_ID,
        login_type=login_strength.USER_ID_LOGIN_TYPE,
    )
    login(request, user, backend=backend)


def connect() -> None:
    from allauth.account.signals import user_signed_up
    from allauth.socialaccount.signals import social_account_added
    from django.contrib.auth.signals import user_logged_in
    from django.core.signals import setting_changed

    user_signed_up.connect(on_user_signed_up, dispatch_uid="store.login_pipeline.signed_up")
    user_logged_in.connect(on_user_logged_in, dispatch_uid="store.login_pipeline.login")
    social_account_added.connect(
        on_social_account_added, dispatch_uid="store.login_pipeline.connected"
    )
    setting_changed.connect(login_pipeline.reset, dispatch_uid="store.login_pipeline.reset")
