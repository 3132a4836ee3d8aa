"""The store's steps of the login pipeline, and the signals that run its later stages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from . import login_strength
from .login_pipeline import LoginContext, announce, register, run, under_way
from .login_strength import Strength
from .models import JoinChannel
from .services import customers


def write_customer(ctx: LoginContext) -> None:
    """The customer row with its profile; a new user joins with its welcome benefits."""
    if ctx.is_new and not ctx.onboarded:
        # The user was created by this signup's save_user, in this transaction: the row is
        # inserted already onboarded (no second write of it, no lock, no savepoint).
        customers.join(ctx.user, ctx.provider, ctx.changes, request=ctx.request)
        ctx.onboarded = True
        return
    customers.create_or_update(ctx.user, ctx.provider, ctx.changes, new_user=ctx.is_new)


def onboard(ctx: LoginContext) -> None:
    if ctx.onboarded:
        return  # a social signup joined with its customer row (store.write_customer)
    customers.onboard(ctx.user, ctx.provider or JoinChannel.STORE, request=ctx.request)
    ctx.onboarded = True


def record_login_strength(ctx: LoginContext) -> None:
    login_strength.record(ctx.request, ctx.strength, ctx.login_type)


def onboard_deferred(ctx: LoginContext) -> None:
    """A customer who joined by user ID gets the welcome benefits at a stronger login."""
    if ctx.strength <= Strength.USER_ID or ctx.signed_up:
        return  # a signup is onboarded by its own stage
    if ctx.kind == "social" and ctx.sociallogin is None:
        return  # Django's signal of a social login: allauth's, with the login, follows
    customers.onboard_deferred(ctx.user, request=ctx.request)


# --- entry points: allauth's and Django's public signals ------------------------------------


def _has_session(request: Any) -> bool:
    return request is not None and hasattr(request, "session")


def on_user_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        ctx = LoginContext.for_social(request, sociallogin, user=user)
    else:
        ctx = LoginContext(request=request, kind="signup", user=user)
    ctx.is_new = ctx.signed_up = True
    run("signed_up", ctx)


def _login_type(user: Any) -> str:
    """A backend may name its logins (``login_type``, e.g. the partner's); else "store"."""
    path = getattr(user, "backend", None)
    if not path or path not in settings.AUTHENTICATION_BACKENDS:
        return "store"
    return str(getattr(import_string(path), "login_type", "store"))


def on_django_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Every login(), whatever view calls it: as announced on the request, else a password."""
    if not _has_session(request):
        return
    kind, provider = under_way(request)
    if kind == "user_id":
        ctx = LoginContext(
            request=request,
            kind="user_id",
            user=user,
            strength=Strength.USER_ID,
            login_type=login_strength.USER_ID_LOGIN_TYPE,
        )
    elif kind == "social":
        ctx = LoginContext(
            request=request, kind="social", user=user, provider=provider, login_type=provider
        )
    else:
        ctx = LoginContext(
            request=request, kind="password", user=user, login_type=_login_type(user)
        )
    run("logged_in", ctx)


def on_allauth_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """allauth's signal comes after Django's and names the social login, if any."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None or not _has_session(request):
        return
    run("logged_in", LoginContext.for_social(request, sociallogin, user=user))


def on_social_account_added(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    ctx = LoginContext.for_social(request, sociallogin)
    run("social.connected", ctx)


def user_id_login(request: Any, user: Any, backend: str) -> None:
    """Log ``user`` in by user ID only: the session is the weakest from its first moment."""
    from django.contrib.auth import login

    announce(request, "user_id")
    login(request, user, backend=backend)


def connect() -> None:
    from allauth.account.signals import user_logged_in as allauth_user_logged_in
    from allauth.account.signals import user_signed_up
    from allauth.socialaccount.signals import social_account_added
    from django.contrib.auth.signals import user_logged_in

    register("store.write_customer", write_customer)
    register("store.onboard", onboard)
    register("store.record_login_strength", record_login_strength)
    register("store.onboard_deferred", onboard_deferred)
    user_signed_up.connect(on_user_signed_up, dispatch_uid="store.login_pipeline.signed_up")
    user_logged_in.connect(on_django_user_logged_in, dispatch_uid="store.login_pipeline.login")
    allauth_user_logged_in.connect(
        on_allauth_user_logged_in, dispatch_uid="store.login_pipeline.social_login"
    )
    social_account_added.connect(
        on_social_account_added, dispatch_uid="store.login_pipeline.connected"
    )
