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


def check_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = "keymap.backends.PartnerBackend"
    if backend not in settings.AUTHENTICATION_BACKENDS:
        return [
            Warning(
                "The partner's user-authentication webhook is never asked: "
                f"{backend} is not in AUTHENTICATION_BACKENDS.",
                hint=f"Add '{backend}' first in AUTHENTICATION_BACKENDS.",
                id="keymap.W001",
            )
        ]
    middleware = "keymap.middleware.UserIdSessionMiddleware"
    if middleware not in settings.MIDDLEWARE:
        return [
            Warning(
                "Sessions that logged in with only a user ID can open pages with personal "
                f"data: {middleware} is not in MIDDLEWARE.",
                hint=f"Add '{middleware}' to MIDDLEWARE after AuthenticationMiddleware.",
                id="keymap.W003",
            )
        ]
    adapter = getattr(settings, "ACCOUNT_ADAPTER", "")
    if adapter != "keymap.adapter.AccountAdapter":
        return [
            Warning(
                "Shop signup does not call the partner's user-creation webhook, and a partner "
                "that is down reads as a wrong password: ACCOUNT_ADAPTER is "
                f"{adapter or 'the default'}.",
                hint="Set ACCOUNT_ADAPTER = 'keymap.adapter.AccountAdapter' (or subclass it).",
                id="keymap.W002",
            )
        ]
    return []


def check_retired_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if hasattr(settings, "KEYMAP_USER_ID_PROTECTED_VIEWS"):
        return [
            Warning(
                "KEYMAP_USER_ID_PROTECTED_VIEWS is no longer read: a user-ID session opens "
                "only an allow-list of views and is sent to the stronger login everywhere "
                "else.",
                hint="Remove KEYMAP_USER_ID_PROTECTED_VIEWS. To let such a session open more "
                "views (e.g. your catalogue), list their URL names in "
                "KEYMAP_USER_ID_ALLOWED_VIEWS.",
                id="keymap.W004",
            )
        ]
    return []
