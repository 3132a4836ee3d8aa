"""System checks of the shop core (ids ``store.E…``/``store.W…``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from .app_settings import app_settings


def check_secrets_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from cryptography.fernet import Fernet

    from .crypto import _fernet_key

    key = app_settings.SECRETS_KEY
    if not key.strip():
        if settings.DEBUG:
            return [
                Warning(
                    "STORE_SECRETS_KEY is not set; secrets at rest use a key derived from "
                    "SECRET_KEY, which is only acceptable for development.",
                    hint="Set STORE_SECRETS_KEY (e.g. the output of "
                    "`python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`).",
                    id="store.W001",
                )
            ]
        return [
            Error(
                "STORE_SECRETS_KEY is not set: provider secrets, admin keys and webhook "
                "secrets cannot be stored encrypted.",
                hint="Set STORE_SECRETS_KEY in your settings or environment. Several "
                "comma-separated keys allow rotation; the first one encrypts.",
                id="store.E001",
            )
        ]
    try:
        for part in key.split(","):
            if part.strip():
                Fernet(_fernet_key(part))
    except ValueError as exc:  # pragma: no cover - _fernet_key always yields a valid key
        return [Error(f"STORE_SECRETS_KEY is not usable: {exc}", id="store.E002")]
    return []


def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not settings.DEBUG and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The default cache is local to each process: settings saved in the admin "
                "reach other app servers only when their cache entries expire.",
                hint="With more than one app server, use a shared cache (Redis).",
                id="store.W002",
            )
        ]
    return []
