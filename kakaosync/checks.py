"""System checks of Kakao Sync (ids ``kakaosync.E…``/``kakaosync.W…``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from .app_settings import app_settings

# Retired id, reserved so that it never means anything else: kakaosync.W002 (the in-app
# option on without KakaoInAppBrowserMiddleware): store.middleware.StoreMiddleware runs that
# guard now, and store.E010 reports it missing whatever the option says.


def check_hosts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for name, value in (
        ("KAKAOSYNC_AUTH_BASE_URL", app_settings.AUTH_BASE_URL),
        ("KAKAOSYNC_API_BASE_URL", app_settings.API_BASE_URL),
    ):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            messages.append(
                Error(
                    f"{name} is not an http(s) URL: {value!r}.",
                    hint=f"Set {name} to Kakao's host (the default) or a Kakao sandbox, "
                    "e.g. http://127.0.0.1:8100.",
                    id="kakaosync.E001",
                )
            )
        elif parts.scheme == "http" and not settings.DEBUG:
            messages.append(
                Warning(
                    f"{name} uses plain http while DEBUG is off: tokens would travel unencrypted.",
                    hint="Use https (Kakao's hosts) outside development.",
                    id="kakaosync.W001",
                )
            )
    return messages


def middleware_installed() -> bool:
    """Whether the guards of the in-app policy run (``StoreMiddleware`` installed)."""
    from store.middleware import installed

    return installed()


def check_configuration(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Database check (``manage.py check --database default``): settings saved before a
    later change (Kakao login switched off) no longer hold."""
    if not databases:
        return []
    from django.db import DatabaseError

    from .conf import kakao_login_status, load_config

    try:
        config = load_config()
        status = kakao_login_status() if config.enabled else "ok"
    except DatabaseError:
        return []
    messages: list[CheckMessage] = []
    if config.enabled and status != "ok":
        messages.append(
            Warning(
                "Kakao Sync is ON but Kakao login is off or has no REST API key: Kakao Sync "
                "is not offered.",
                hint="Switch the Kakao provider on in Social login, or Kakao Sync off.",
                id="kakaosync.W003",
            )
        )
    return messages


# The pages and webhooks of Kakao Sync's promises: Kakao's unlink webhook and security
# events (sessions end), the Kakao-only page inside KakaoTalk, required terms added later.
URL_NAMES = (
    "kakaosync:webhook_unlink",
    "kakaosync:webhook_events",
    "kakaosync:kakao_only",
    "kakaosync:required_terms",
)


def check_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``kakaosync.E002``: ``kakaosync.urls`` is not mounted."""
    from store.checks import unmounted_urls

    missing = unmounted_urls(URL_NAMES)
    if not missing:
        return []
    return [
        Error(
            f"kakaosync.urls is not included in ROOT_URLCONF ({', '.join(missing)} missing): "
            "Kakao's unlink webhook and security events cannot reach the shop (revoked "
            "sessions stay open), and the Kakao-only and required-terms pages fail.",
            hint='Add path("kakaosync/", include("kakaosync.urls")) to urlpatterns, and '
            "register its webhook URLs at Kakao Developers.",
            id="kakaosync.E002",
        )
    ]
