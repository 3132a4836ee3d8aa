"""Settings of the ``sociallogin`` app, read with the ``SOCIALLOGIN_`` prefix and a default each."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


class AppSettings:
    prefix = "SOCIALLOGIN_"

    def _setting(self, name: str, default: Any) -> Any:
        return getattr(settings, self.prefix + name, default)

    @property
    def PROVIDER_ENDPOINTS(self) -> dict[str, dict[str, str]]:
        """Per provider id, real origin -> replacement origin, e.g.

        ``{"naver": {"https://nid.naver.com": "http://127.0.0.1:9100"}}``. Used to point
        allauth's providers at a sandbox on loopback; empty in production.
        """
        return dict(self._setting("PROVIDER_ENDPOINTS", {}) or {})

    @property
    def SANDBOX_URL(self) -> str:
        """Base URL of the providers sandbox; every provider goes there (development).
        Falls back to the environment variable ``SOCIALLOGIN_SANDBOX_URL``, so that any
        host project can be wired to the sandbox without a settings change."""
        value = self._setting("SANDBOX_URL", os.environ.get("SOCIALLOGIN_SANDBOX_URL", ""))
        return str(value or "").rstrip("/")

    @property
    def CACHE_TIMEOUT(self) -> int:
        """Seconds the provider settings stay in the cache (saving invalidates at once)."""
        return int(self._setting("CACHE_TIMEOUT", 3600))

    @property
    def TOMBSTONE_KEY(self) -> str:
        """Key of the HMAC over deleted social accounts, kept apart from ``SECRET_KEY`` so that
        rotating that one never touches the tombstones; comma-separated to rotate it (the
        first writes, all are checked). Unset: ``SECRET_KEY`` (and its fallbacks)."""
        return str(self._setting("TOMBSTONE_KEY", "") or "")

    @property
    def LINK_CODE_TTL(self) -> int:
        """Seconds a one-time code proving account ownership stays valid."""
        return int(self._setting("LINK_CODE_TTL", 600))

    @property
    def LINK_CODE_ATTEMPTS(self) -> int:
        """Wrong codes or passwords allowed before the linking attempt is dropped."""
        return int(self._setting("LINK_CODE_ATTEMPTS", 5))

    @property
    def LAST_USED_COOKIE(self) -> str:
        """Name of the cookie that remembers which provider this browser last logged in
        with (the provider id only); empty turns the "last used" hint off."""
        return str(self._setting("LAST_USED_COOKIE", "sociallogin_last_used") or "")

    @property
    def LAST_USED_COOKIE_AGE(self) -> int:
        """Seconds the "last used" cookie lives."""
        return int(self._setting("LAST_USED_COOKIE_AGE", 365 * 24 * 3600))


app_settings = AppSettings()
