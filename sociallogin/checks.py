"""System checks of ``sociallogin`` (ids ``sociallogin.E…``/``sociallogin.W…``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from .app_settings import app_settings
from .catalog import PROVIDERS

ADAPTER = "sociallogin.adapter.SocialAccountAdapter"


def check_adapter(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from django.utils.module_loading import import_string

    from .adapter import SocialAccountAdapter

    path = getattr(settings, "SOCIALACCOUNT_ADAPTER", "")
    try:
        cls = import_string(path) if path else None
    except ImportError:
        cls = None
    if cls is None or not issubclass(cls, SocialAccountAdapter):
        return [
            Error(
                "SOCIALACCOUNT_ADAPTER does not use the shop's social adapter: provider "
                "settings from the admin, the age restriction and tombstones are ignored.",
                hint=f'Set SOCIALACCOUNT_ADAPTER = "{ADAPTER}" (or a subclass of it).',
                id="sociallogin.E001",
            )
        ]
    return []


def check_endpoints(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    endpoints = app_settings.PROVIDER_ENDPOINTS
    for provider_id, mapping in endpoints.items():
        if provider_id not in PROVIDERS:
            messages.append(
                Error(
                    f"SOCIALLOGIN_PROVIDER_ENDPOINTS names an unknown provider {provider_id!r}.",
                    hint=f"Use one of: {', '.join(PROVIDERS)}.",
                    id="sociallogin.E002",
                )
            )
            continue
        if not isinstance(mapping, dict):
            messages.append(
                Error(
                    f"SOCIALLOGIN_PROVIDER_ENDPOINTS[{provider_id!r}] must map origins to origins.",
                    id="sociallogin.E002",
                )
            )
            continue
        for real, replacement in mapping.items():
            for url in (real, replacement):
                parts = urlsplit(str(url))
                if parts.scheme not in ("http", "https") or not parts.netloc:
                    messages.append(
                        Error(
                            f"SOCIALLOGIN_PROVIDER_ENDPOINTS[{provider_id!r}]: {url!r} is not "
                            "an http(s) URL.",
                            id="sociallogin.E003",
                        )
                    )
    if endpoints and not settings.DEBUG:
        messages.append(
            Warning(
                "SOCIALLOGIN_PROVIDER_ENDPOINTS points providers away from their real servers "
                "while DEBUG is off.",
                hint="Remove SOCIALLOGIN_PROVIDER_ENDPOINTS in production.",
                id="sociallogin.W001",
            )
        )
    return messages


def check_providers_installed(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    missing = [
        f"allauth.socialaccount.providers.{pid}"
        for pid in PROVIDERS
        if f"allauth.socialaccount.providers.{pid}" not in settings.INSTALLED_APPS
    ]
    if missing:
        return [
            Error(
                "allauth provider apps missing from INSTALLED_APPS: " + ", ".join(missing),
                hint="Add them: their URLs (/accounts/<provider>/login/) come from those apps.",
                id="sociallogin.E004",
            )
        ]
    return []


def check_socialapp_rows(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """(``--database``) allauth's own app table holds secrets in plaintext and is ignored."""
    from allauth.socialaccount.models import SocialApp
    from django.db import DatabaseError

    try:
        rows = SocialApp.objects.filter(provider__in=list(PROVIDERS)).exclude(secret="").count()
    except DatabaseError:
        return []
    if rows:
        return [
            Warning(
                f"{rows} allauth SocialApp row(s) hold provider secrets in plaintext; the shop "
                "ignores them (provider settings come from the Social login admin page).",
                hint="Enter the credentials on the Social login page, then delete the "
                "SocialApp rows.",
                id="sociallogin.W002",
            )
        ]
    return []


# Retired ids, reserved so that they never mean anything else: sociallogin.W003 (now the
# Error sociallogin.E006), sociallogin.W004 and sociallogin.W005 (ProviderErrorMiddleware and
# LastUsedProviderMiddleware missing: store.middleware.StoreMiddleware runs those guards now,
# store.E010 when it is missing).
SIGNUP_FORM = "sociallogin.forms.SocialSignupForm"


def check_wiring(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The signup form: without it the fields the store requires per provider are not asked."""
    from django.utils.module_loading import import_string

    from .forms import SocialSignupForm

    path = (getattr(settings, "SOCIALACCOUNT_FORMS", {}) or {}).get("signup", "")
    try:
        form = import_string(path) if path else None
    except ImportError:
        form = None
    if isinstance(form, type) and issubclass(form, SocialSignupForm):
        return []
    return [
        Error(
            "The social signup form is not the shop's: the signup fields the store requires "
            "per provider are not asked.",
            hint=f'Set SOCIALACCOUNT_FORMS = {{"signup": "{SIGNUP_FORM}"}} (or a subclass).',
            id="sociallogin.E006",
        )
    ]


def check_provider_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``sociallogin.E005``: a provider's login or callback URL is answered by another view
    (the host's URL patterns come first and claim it): that provider cannot log anyone in."""
    from store.checks import shadowed_urls

    names = [f"{pid}_{kind}" for pid in PROVIDERS for kind in ("login", "callback")]
    return [
        Error(
            f"{path} ({name}) is answered by {view}, not by django-allauth: that provider's "
            "login cannot work.",
            hint="Mount allauth's URLs (include('allauth.urls')) before any host pattern "
            "that matches the same path.",
            id="sociallogin.E005",
        )
        for name, path, view in shadowed_urls(names)
    ]


def check_mounted_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``sociallogin.E007``: allauth's URLs are not mounted (no provider can log anyone in;
    ``sociallogin.E005`` is for a provider URL answered by another view);
    ``sociallogin.E008``: the proof-of-ownership page is not mounted, so linking a social
    account to the customer owning its verified e-mail would fail."""
    from django.apps import apps

    from store.checks import unmounted_urls

    installed = [
        pid for pid in PROVIDERS if apps.is_installed(f"allauth.socialaccount.providers.{pid}")
    ]
    messages: list[CheckMessage] = []
    missing = unmounted_urls(f"{pid}_login" for pid in installed)
    if missing:
        messages.append(
            Error(
                "django-allauth's URLs are not included in ROOT_URLCONF: "
                f"{', '.join(missing)} cannot be reached, so no social login works.",
                hint='Add path("accounts/", include("allauth.urls")) to urlpatterns.',
                id="sociallogin.E007",
            )
        )
    if unmounted_urls(["sociallogin:link"]):
        messages.append(
            Error(
                "sociallogin.urls is not included in ROOT_URLCONF: a social login whose "
                "verified e-mail belongs to a customer cannot be linked to that customer "
                "(the proof of ownership has no page).",
                hint='Add path("sociallogin/", include("sociallogin.urls")) to urlpatterns.',
                id="sociallogin.E008",
            )
        )
    return messages
