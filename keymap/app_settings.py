"""Settings of the ``keymap`` app, read with the ``KEYMAP_`` prefix and a default each."""

from __future__ import annotations

from django.conf import settings


class AppSettings:
    prefix = "KEYMAP_"

    def _setting(self, name: str, default: object) -> object:
        return getattr(settings, self.prefix + name, default)

    @property
    def SETTINGS_CACHE_TIMEOUT(self) -> int:
        return int(self._setting("SETTINGS_CACHE_TIMEOUT", 3600))  # type: ignore[call-overload]

    @property
    def MAX_ANSWER_BYTES(self) -> int:
        """Largest partner answer read; a longer body is refused, not truncated."""
        return int(self._setting("MAX_ANSWER_BYTES", 1024 * 1024))  # type: ignore[call-overload]

    @property
    def PARTNER_DATA_MAX_BYTES(self) -> int:
        """Largest ``partner_data`` kept for the JWT (serialised JSON); see linking."""
        return int(self._setting("PARTNER_DATA_MAX_BYTES", 16 * 1024))  # type: ignore[call-overload]

    @property
    def CONNECT_TIMEOUT(self) -> float:
        """Seconds to open a connection to the partner (the read timeout is per webhook)."""
        return float(self._setting("CONNECT_TIMEOUT", 3.0))  # type: ignore[arg-type]

    @property
    def USER_ID_RATE_LIMIT(self) -> tuple[int, int]:
        """(attempts, seconds) for user-ID login, per client IP and per user ID each."""
        value: tuple[int, int] = self._setting("USER_ID_RATE_LIMIT", (10, 300))  # type: ignore[assignment]
        return int(value[0]), int(value[1])

    @property
    def USER_ID_PROTECTED_VIEWS(self) -> tuple[str, ...]:
        """URL names (``ns:`` for a whole namespace) a user-ID session may not open."""
        value = self._setting(
            "USER_ID_PROTECTED_VIEWS",
            (
                "admin:",
                "commerce:account",
                "store:delete_account",
                "account_email",
                "account_change_password",
                "account_set_password",
                "socialaccount_connections",
                "mfa_index",
            ),
        )
        return tuple(value)  # type: ignore[arg-type]

    @property
    def JWT_ALGORITHM(self) -> str:
        """``RS256`` (keys in the database, rotatable, published as JWKS) or ``HS256``."""
        return str(self._setting("JWT_ALGORITHM", "RS256"))

    @property
    def JWT_HS256_SECRET(self) -> str:
        return str(self._setting("JWT_HS256_SECRET", "") or "")

    @property
    def JWT_ISSUER(self) -> str:
        return str(self._setting("JWT_ISSUER", "django-social-store"))

    @property
    def JWT_AUDIENCE(self) -> str:
        return str(self._setting("JWT_AUDIENCE", "django-social-store-api"))

    @property
    def JWT_LIFETIME(self) -> int:
        """Seconds a token is valid."""
        return int(self._setting("JWT_LIFETIME", 900))  # type: ignore[call-overload]

    @property
    def JWT_LEEWAY(self) -> int:
        return int(self._setting("JWT_LEEWAY", 10))  # type: ignore[call-overload]

    @property
    def DELIVERY_RETENTION_DAYS(self) -> int:
        """Days recorded webhook deliveries are kept by the prune command."""
        return int(self._setting("DELIVERY_RETENTION_DAYS", 90))  # type: ignore[call-overload]


app_settings = AppSettings()
