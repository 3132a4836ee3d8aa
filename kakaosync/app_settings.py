"""Settings of the ``kakaosync`` app, read with the ``KAKAOSYNC_`` prefix and a default each."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


class AppSettings:
    prefix = "KAKAOSYNC_"

    def _setting(self, name: str, default: Any) -> Any:
        return getattr(settings, self.prefix + name, default)

    def _setting_or_env(self, name: str, default: str) -> str:
        # The Kakao hosts can be pointed at a sandbox from the environment in any host
        # project; a value in settings wins.
        return str(self._setting(name, os.environ.get(self.prefix + name) or default))

    @property
    def AUTH_BASE_URL(self) -> str:
        """Kakao's OAuth host (authorize, token); a sandbox can stand in for it. Falls back
        to the environment variable of the same name."""
        return self._setting_or_env("AUTH_BASE_URL", "https://kauth.kakao.com").rstrip("/")

    @property
    def API_BASE_URL(self) -> str:
        """Kakao's API host (user/me, service terms, channels, unlink). Falls back to the
        environment variable of the same name."""
        return self._setting_or_env("API_BASE_URL", "https://kapi.kakao.com").rstrip("/")

    @property
    def TIMEOUT(self) -> float:
        """Seconds to wait for Kakao (connect and read), per call."""
        return float(self._setting("TIMEOUT", 5.0))

    @property
    def RETRIES(self) -> int:
        """Extra attempts for idempotent calls (GETs) after a timeout or a 5xx."""
        return int(self._setting("RETRIES", 1))

    @property
    def SETTINGS_CACHE_TIMEOUT(self) -> int:
        return int(self._setting("SETTINGS_CACHE_TIMEOUT", 3600))

    @property
    def REFUSED_DELIVERIES_RECORDED_PER_MINUTE(self) -> int:
        """Refused webhook calls (wrong key or App ID) recorded per minute and remote address.

        Beyond it they are still refused, counted in a log line, but not written: a flood
        of forged calls must not fill the table nor queue for the database ahead of Kakao.
        """
        return int(self._setting("REFUSED_DELIVERIES_RECORDED_PER_MINUTE", 30))

    @property
    def DELIVERY_RETENTION_DAYS(self) -> int:
        """Days recorded webhook deliveries are kept by the prune command."""
        return int(self._setting("DELIVERY_RETENTION_DAYS", 90))  # type: ignore[call-overload]

    @property
    def SECURITY_EVENT_MAX_AGE(self) -> int:
        """Seconds a security event token is accepted after its ``iat`` (replays of older
        ones are refused by age; younger ones by their remembered ``jti``)."""
        return int(self._setting("SECURITY_EVENT_MAX_AGE", 86400))

    @property
    def SECURITY_EVENT_LEEWAY(self) -> int:
        """Seconds of clock difference tolerated with Kakao."""
        return int(self._setting("SECURITY_EVENT_LEEWAY", 60))

    @property
    def SECURITY_EVENT_JWKS_CACHE_TIMEOUT(self) -> int:
        """Seconds Kakao's signing keys stay cached (an unknown key fetches them again)."""
        return int(self._setting("SECURITY_EVENT_JWKS_CACHE_TIMEOUT", 3600))

    @property
    def SECURITY_EVENT_JWKS_DEADLINE(self) -> float:
        """Seconds one read of Kakao's signing keys may take in all (configuration and key
        set, no retries): a security event waits at most this long for them."""
        return float(self._setting("SECURITY_EVENT_JWKS_DEADLINE", 3.0))

    @property
    def SECURITY_EVENT_JWKS_RETRY_AFTER(self) -> int:
        """Seconds after a failed read of Kakao's signing keys before they are read again;
        security events meanwhile are answered 503 (Kakao delivers them again)."""
        return int(self._setting("SECURITY_EVENT_JWKS_RETRY_AFTER", 30))

    @property
    def SECURITY_EVENT_MAX_BYTES(self) -> int:
        """The largest security event body read; a larger one is answered 413 unread."""
        return int(self._setting("SECURITY_EVENT_MAX_BYTES", 64 * 1024))

    @property
    def SYNC_READ_MAX_AGE(self) -> int:
        """Seconds a returning Sync login keeps the terms and channel relation an earlier
        login read, instead of asking Kakao again; 0 asks at every login."""
        return int(self._setting("SYNC_READ_MAX_AGE", 3600))


app_settings = AppSettings()
