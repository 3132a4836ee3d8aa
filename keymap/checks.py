"""System checks of the user database (ids ``keymap.E…``/``keymap.W…``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from .app_settings import app_settings


def check_jwt(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    algorithm = app_settings.JWT_ALGORITHM
    if algorithm not in {"RS256", "HS256"}:
        return [
            Error(
                f"KEYMAP_JWT_ALGORITHM is {algorithm!r}.",
                hint="Set KEYMAP_JWT_ALGORITHM to 'RS256' (default) or 'HS256'.",
                id="keymap.E001",
            )
        ]
    if algorithm == "HS256" and len(app_settings.JWT_HS256_SECRET) < 32:
        return [
            Error(
                "KEYMAP_JWT_ALGORITHM is 'HS256' but KEYMAP_JWT_HS256_SECRET is missing or "
                "shorter than 32 characters.",
                hint="Set KEYMAP_JWT_HS256_SECRET to a long random string, or use RS256.",
                id="keymap.E002",
            )
        ]
    return []


# Retired ids, reserved so that they never mean anything else: keymap.W001 and keymap.W002
# (now the Errors keymap.E004 and keymap.E005), keymap.W003 (UserIdSessionMiddleware missing:
# store.middleware.StoreMiddleware runs that guard now, store.E010 when it is missing).
BACKEND = "keymap.backends.PartnerBackend"
ADAPTER = "keymap.adapter.AccountAdapter"


def check_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Custom storage can be switched on in the admin at any time: without these parts its
    promises (the partner is asked at login and at signup) would lapse in silence."""
    from .adapter import AccountAdapter
    from .backends import PartnerBackend

    messages: list[CheckMessage] = []
    if not any(_is_subclass(path, PartnerBackend) for path in settings.AUTHENTICATION_BACKENDS):
        messages.append(
            Error(
                "With custom storage on, the partner's user-authentication webhook is never "
                f"asked: {BACKEND} is not in AUTHENTICATION_BACKENDS.",
                hint=f"Add {BACKEND!r} (or a subclass) first in AUTHENTICATION_BACKENDS.",
                id="keymap.E004",
            )
        )
    adapter = getattr(settings, "ACCOUNT_ADAPTER", "")
    if not _is_subclass(adapter, AccountAdapter):
        messages.append(
            Error(
                "With custom storage on, shop signup does not call the partner's "
                "user-creation webhook, and a partner that is down reads as a wrong password: "
                f"ACCOUNT_ADAPTER is {adapter or 'the default'}.",
                hint=f"Set ACCOUNT_ADAPTER = {ADAPTER!r} (or a subclass of it).",
                id="keymap.E005",
            )
        )
    return messages


def _is_subclass(path: str, cls: type) -> bool:
    from django.utils.module_loading import import_string

    try:
        found = import_string(path) if path else None
    except ImportError:
        return False
    return isinstance(found, type) and issubclass(found, cls)


def check_retired_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Retired settings, each named with what to set instead."""
    return _retired_trusted_proxies() + _retired_protected_views()


def _retired_protected_views() -> list[CheckMessage]:
    if not hasattr(settings, "KEYMAP_USER_ID_PROTECTED_VIEWS"):
        return []
    return [
        Warning(
            "KEYMAP_USER_ID_PROTECTED_VIEWS is no longer read: a user-ID session opens "
            "only an allow-list of views and is sent to the stronger login everywhere "
            "else.",
            hint="Remove KEYMAP_USER_ID_PROTECTED_VIEWS. To let such a session open more "
            "views (e.g. your catalogue), list their URL names in "
            "KEYMAP_USER_ID_ALLOWED_VIEWS.",
            id="keymap.W005",
        )
    ]


def _retired_trusted_proxies() -> list[CheckMessage]:
    """``KEYMAP_TRUSTED_PROXIES`` is retired: every app reads the client address as allauth does."""
    if not hasattr(settings, "KEYMAP_TRUSTED_PROXIES"):
        return []
    proxies = getattr(settings, "KEYMAP_TRUSTED_PROXIES")  # noqa: B009 (not in the stubs)
    replacement = (
        f"ALLAUTH_TRUSTED_PROXY_COUNT = {proxies!r}"
        if proxies
        else "nothing (no proxy is the default)"
    )
    message = (
        "KEYMAP_TRUSTED_PROXIES is retired and ignored: the user-ID login limit now reads the "
        "client address with allauth's ALLAUTH_TRUSTED_PROXY_COUNT / "
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER."
    )
    hint = f"Remove KEYMAP_TRUSTED_PROXIES and set {replacement}."
    if proxies:
        # Ignoring it would count every shopper under the proxy's address.
        return [Error(message, hint=hint, id="keymap.E003")]
    return [Warning(message, hint=hint, id="keymap.W004")]


# allauth's identity provider (``allauth.idp``) publishes its own keys at the same path.
JWKS_URL_NAMES = ("keymap_jwks", "idp:oidc:jwks")


def check_jwks_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``keymap.E006``: ``/.well-known/jwks.json`` answered by another view than its own.

    An Error, not a Warning: one path serves one key set, so whichever pattern comes second
    has its tokens fail verification everywhere (ours for the apps that call ``/api/token``,
    allauth's for the host's OpenID Connect clients), and nothing says so at run time.
    """
    from store.checks import shadowed_urls

    return [
        Error(
            f"{path} ({name}) is answered by {view}: the keys that verify "
            f"{'the shop' if name == 'keymap_jwks' else 'allauth.idp'}'s tokens are "
            "not published there.",
            hint="Mount keymap.api_urls and allauth.idp.urls so that their key sets get "
            "different paths (e.g. path('shop/', include('keymap.api_urls'))), and point "
            "each token verifier at its own.",
            id="keymap.E006",
        )
        for name, path, view in shadowed_urls(JWKS_URL_NAMES)
    ]


def check_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``keymap.E007``: ``keymap.urls`` is not mounted. Like ``keymap.E004``, whatever the
    storage is now: custom storage and its user-ID login can be switched on in the admin."""
    from store.checks import unmounted_urls

    missing = unmounted_urls(("keymap:user_id_login", "keymap:stronger_login"))
    if not missing:
        return []
    return [
        Error(
            f"keymap.urls is not included in ROOT_URLCONF ({', '.join(missing)} missing): "
            "the user-ID login has no page, and a user-ID session cannot be sent to the "
            "stronger login.",
            hint='Add path("keymap/", include("keymap.urls")) to urlpatterns.',
            id="keymap.E007",
        )
    ]
