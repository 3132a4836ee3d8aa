"""Safety net: a fault in talking to a provider, left unhandled by its view, is a login error.

allauth turns the faults it expects inside its callback (OAuth errors, HTTP errors,
``ProviderException``) into its error page. What still escapes a provider's login or
callback view under ``/accounts/<provider>/login/…`` is answered as the provider's fault
(our error page, 400, a log line) only when it is one: an exception of
:data:`PROVIDER_FAULTS`, raised by the code that talks to the provider. Anything else (the
host's misconfiguration, a ``FieldDoesNotExist`` from its user model, a bug in a receiver)
is the shop's error and takes Django's usual path: logged by ``django.request`` with its
traceback and answered by ``handler500`` (``store.errors.server_error``), never as
"something went wrong while talking to Kakao". Guard ``sociallogin.provider_errors``, run by
``store.middleware.StoreMiddleware``.
"""

from __future__ import annotations

import functools
import logging

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string

from store.middleware import RetiredMiddleware

from .catalog import PROVIDERS

logger = logging.getLogger(__name__)

_VIEW_SUFFIXES = ("_login", "_callback", "_finish_callback")

# The exceptions of talking to a provider: the HTTP client's, allauth's OAuth clients' and
# providers', and the plugin's own provider clients'. A class of an app that is not
# installed is left out.
PROVIDER_FAULTS: tuple[str, ...] = (
    "requests.RequestException",
    "allauth.socialaccount.providers.oauth.client.OAuthError",
    "allauth.socialaccount.providers.oauth2.client.OAuth2Error",
    "allauth.socialaccount.providers.base.ProviderException",
    "sociallogin.apple_client.AppleError",
    "kakaosync.client.KakaoError",
)


@functools.cache
def provider_faults() -> tuple[type[BaseException], ...]:
    found = []
    for path in PROVIDER_FAULTS:
        if path.startswith("kakaosync.") and not apps.is_installed("kakaosync"):
            continue
        found.append(import_string(path))
    return tuple(found)


def is_provider_fault(exception: BaseException) -> bool:
    return isinstance(exception, provider_faults())


def provider_error_page(request: HttpRequest, exception: Exception) -> HttpResponse | None:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    provider_id = next((p for p in PROVIDERS for s in _VIEW_SUFFIXES if name == f"{p}{s}"), None)
    if provider_id is None:
        return None
    if not is_provider_fault(exception):
        # Django logs it (django.request, with the traceback) and answers with handler500.
        logger.info(
            "social login: %s in the %s view is the shop's error, not %s's",
            type(exception).__name__,
            name,
            provider_id,
        )
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
