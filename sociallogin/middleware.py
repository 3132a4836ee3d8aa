"""Safety net: an unexpected error in a provider's login or callback view is a login error.

allauth turns the errors it expects (OAuth errors, HTTP errors, ``ProviderException``) into
its error page; anything else a provider's code raises on an odd answer (a ``KeyError`` on
a missing field, say) would be a 500. Under ``/accounts/<provider>/login/…`` it becomes our
error page (400) with a log line; elsewhere the exception goes on as usual. Guard
``sociallogin.provider_errors``, run by ``store.middleware.StoreMiddleware``.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from store.middleware import RetiredMiddleware

from .catalog import PROVIDERS

logger = logging.getLogger(__name__)

_VIEW_SUFFIXES = ("_login", "_callback", "_finish_callback")


def provider_error_page(request: HttpRequest, exception: Exception) -> HttpResponse | None:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    provider_id = next((p for p in PROVIDERS for s in _VIEW_SUFFIXES if name == f"{p}{s}"), None)
    if provider_id is None:
        return None
    logger.warning(
        "social login failed: provider=%s view=%s exception=%s",
        provider_id,
        name,
        type(exception).__name__,
    )
    return render(
        request,
        "socialaccount/authentication_error.html",
        {"auth_error": {"provider": {"name": PROVIDERS[provider_id].name}, "code": "unknown"}},
        status=400,
    )


class ProviderErrorMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``sociallogin.provider_errors``."""
