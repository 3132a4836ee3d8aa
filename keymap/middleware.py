"""keymap's request guards, run by ``store.middleware.StoreMiddleware``.

A user-ID session (the weakest login) opens an allow-list of views, nothing else. Every other
view, the shop's, allauth's or the host's, sends it to a page that offers the password or a
social login instead. The services refuse it too (``store.login_strength.require``); their
refusal lands on the same page. A session established before its customer's credentials
were revoked ends.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from store import login_strength
from store.host import get_host_adapter
from store.middleware import RetiredMiddleware

from .app_settings import app_settings

# Logging out and every way to a stronger login; nothing that shows or changes a customer's
# data. The host adapter adds its catalogue and its own login pages (ordering from a product
# page needs a stronger login: the order service); ``KEYMAP_USER_ID_ALLOWED_VIEWS`` adds more.
ALLOWED_VIEWS = (
    "account_login",
    "account_logout",
    "keymap:user_id_login",
    "keymap:stronger_login",
    "keymap:headless_user_id_login",
    "socialaccount_signup",  # finishing a social login's signup: the new account's data
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "sociallogin:link",  # proof of ownership of a social login under way
    "sociallogin:link_cancel",
    "kakaosync:kakao_only",
    "set_language",
    "keymap_token",  # the token service leaves out personal claims for this session
    "keymap_users_me",  # bearer token, not the session
    "keymap_jwks",
)
# Every provider's login, callback and token views (connecting is refused by the login
# pipeline for this session).
PROVIDER_VIEWS_MODULE = "allauth.socialaccount.providers."


def user_id_session_view(
    request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
) -> HttpResponse | None:
    """Guard ``keymap.user_id_session``: outside the allow-list, the stronger login."""
    if not login_strength.is_user_id_only(request):
        return None
    from sociallogin.headless import endpoint_name

    if endpoint := endpoint_name(request):
        from .headless import user_id_session_endpoint

        return user_id_session_endpoint(request, endpoint)
    match = request.resolver_match
    name = match.view_name if match else ""
    if is_allowed(name) or _is_provider_view(view_func):
        return None
    return to_stronger_login(request)


def weak_login_exception(request: HttpRequest, exception: Exception) -> HttpResponse | None:
    """Guard ``keymap.user_id_session``: a service's refusal is the stronger login too."""
    if isinstance(exception, login_strength.WeakLogin):
        from sociallogin.headless import endpoint_name

        match = request.resolver_match
        if endpoint_name(request) or (match and match.view_name == "keymap:headless_user_id_login"):
            from .headless import too_weak

            return too_weak(request)
        return to_stronger_login(request)
    return None


class UserIdSessionMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``keymap.user_id_session``."""


def to_stronger_login(request: HttpRequest) -> HttpResponse:
    target = reverse("keymap:stronger_login")
    return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def allowed_views() -> tuple[str, ...]:
    host = get_host_adapter()
    return (
        ALLOWED_VIEWS
        + tuple(host.catalogue_views | host.login_page_views)
        + app_settings.USER_ID_ALLOWED_VIEWS
    )


def is_allowed(view_name: str) -> bool:
    """Whether a user-ID session may open the view (``ns:`` allows a whole namespace)."""
    if not view_name:
        return False  # an unnamed URL cannot be listed, so it is not allowed
    for allowed in allowed_views():
        if allowed.endswith(":") and view_name.startswith(allowed):
            return True
        if view_name == allowed:
            return True
    return False


def _is_provider_view(view_func: Any) -> bool:
    return str(getattr(view_func, "__module__", "")).startswith(PROVIDER_VIEWS_MODULE)


def end_revoked_session(request: HttpRequest) -> None:
    """Guard ``keymap.revoked_sessions``: ends a session established before its customer's
    credentials were revoked.

    One indexed lookup per request of a logged-in session; sessions are not listed per
    customer anywhere, so they are ended when they next show up.
    """
    from django.contrib.auth import SESSION_KEY, logout

    from . import revocation

    session = getattr(request, "session", None)
    user_id = session.get(SESSION_KEY) if session is not None else None
    if user_id is not None and revocation.is_session_revoked(session, user_id):
        logout(request)


class RevokedSessionMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``keymap.revoked_sessions``."""
