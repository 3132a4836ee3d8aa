"""Settings of the ``store`` app, read with the ``STORE_`` prefix and a default each."""

from __future__ import annotations

from django.conf import settings


class AppSettings:
    prefix = "STORE_"

    def _setting(self, name: str, default: object) -> object:
        return getattr(settings, self.prefix + name, default)

    @property
    def SECRETS_KEY(self) -> str:
        """Fernet key(s) for secrets at rest; comma-separated, the first one encrypts."""
        value = self._setting("SECRETS_KEY", "")
        return str(value or "")

    @property
    def SETTINGS_CACHE_TIMEOUT(self) -> int:
        return int(self._setting("SETTINGS_CACHE_TIMEOUT", 3600))  # type: ignore[call-overload]

    @property
    def ORDER_NUMBER_PREFIX(self) -> str:
        return str(self._setting("ORDER_NUMBER_PREFIX", "ORD"))

    @property
    def HOST_ADAPTER(self) -> str:
        """Dotted path of the host adapter (``store.host``); unset or empty: the default."""
        return str(self._setting("HOST_ADAPTER", "") or "store.host.HostAdapter")


app_settings = AppSettings()
