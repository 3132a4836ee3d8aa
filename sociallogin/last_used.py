"""The "last used" hint on the login page: which provider this browser last logged in with.

The cookie holds a provider id and nothing else. allauth tells who logged in through its
public ``user_logged_in`` signal, which has the request but no response, so the receiver
only notes the provider on the request and guard ``sociallogin.last_used`` (run by
``store.middleware.StoreMiddleware``) writes the cookie on whatever response the login ends
with (allauth's redirect, or a host's own).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from store.middleware import RetiredMiddleware

from .app_settings import app_settings
from .catalog import PROVIDERS

_REQUEST_ATTR = "_sociallogin_last_used"


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None or request is None:
        return
    provider_id = sociallogin.account.provider
    if provider_id in PROVIDERS:
        setattr(request, _REQUEST_ATTR, provider_id)


def last_used(request: HttpRequest) -> str | None:
    """The provider id the cookie names, when it is one of ours (the cookie is untrusted)."""
    name = app_settings.LAST_USED_COOKIE
    value = request.COOKIES.get(name, "") if name else ""
    return value if value in PROVIDERS else None


def set_last_used_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    provider_id = getattr(request, _REQUEST_ATTR, None)
    name = app_settings.LAST_USED_COOKIE
    if provider_id and name:
        response.set_cookie(
            name,
            provider_id,
            max_age=app_settings.LAST_USED_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


class LastUsedProviderMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``sociallogin.last_used``."""
