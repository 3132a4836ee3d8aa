"""Provider settings as served to allauth: from the shared cache, invalidated on save.

The cache holds plain data with every secret still encrypted (a shared Redis must not
hold plaintext credentials); secrets are decrypted only when an app is built for a request.
Once warm, serving the providers costs no database query.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

from store import crypto
from store.fields import Secret

from .app_settings import app_settings
from .catalog import DEFAULT_SIGNUP_RULES, PROVIDER_IDS, PROVIDERS, Rule

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialApp

CACHE_KEY = "sociallogin:providers:v2"


@dataclass(frozen=True)
class ProviderConfig:
    provider: str
    enabled: bool = False
    client_id: str = ""
    team_id: str = ""
    key_id: str = ""
    signup_fields: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SIGNUP_RULES))
    position: int = 0
    # Fernet tokens, never plaintext.
    secret_token: str = ""
    private_key_token: str = ""

    @functools.cached_property
    def is_complete(self) -> bool:
        info = PROVIDERS[self.provider]
        values = {
            "client_id": self.client_id,
            "secret": self.secret_token,
            "team_id": self.team_id,
            "key_id": self.key_id,
            "private_key": self.private_key_token,
        }
        return all(values[name] for name in info.required_credentials)

    @property
    def is_active(self) -> bool:
        return self.enabled and self.is_complete

    def rule(self, name: str) -> str:
        value = self.signup_fields.get(name, DEFAULT_SIGNUP_RULES.get(name, Rule.HIDDEN))
        return value if value in Rule.VALUES else Rule.HIDDEN

    def to_app(self) -> SocialApp:
        """An unsaved allauth ``SocialApp`` carrying the decrypted credentials."""
        from allauth.socialaccount.models import SocialApp

        info = PROVIDERS[self.provider]
        app = SocialApp(provider=self.provider, name=str(info.name), client_id=self.client_id)
        if self.provider == "apple":
            # allauth's Apple client: secret = key ID, key = team ID, PEM in settings.
            app.secret = self.key_id
            app.key = self.team_id
            app.settings = {"certificate_key": _decrypt(self.private_key_token)}
        else:
            app.secret = _decrypt(self.secret_token)
            app.settings = {}
        return app


@functools.lru_cache(maxsize=64)
def _decrypt(token: str) -> Secret:
    # Memoised per process: the token changes whenever the secret does.
    return Secret(crypto.decrypt(token)) if token else Secret("")


def _from_db() -> dict[str, dict[str, Any]]:
    from .models import ProviderSettings

    data: dict[str, dict[str, Any]] = {}
    for row in ProviderSettings.objects.all():
        if row.provider not in PROVIDERS:
            continue
        data[row.provider] = {
            "provider": row.provider,
            "enabled": row.enabled,
            "client_id": row.client_id,
            "team_id": row.team_id,
            "key_id": row.key_id,
            "signup_fields": dict(row.signup_fields or {}),
            "position": row.position,
            "secret_token": crypto.encrypt(str(row.secret)) if row.secret else "",
            "private_key_token": crypto.encrypt(str(row.private_key)) if row.private_key else "",
        }
    return data


# Per-process copy of the objects built from the cached data, keyed by the data's version:
# a warm request then costs one cache read and no object construction.
_built: tuple[str, dict[str, ProviderConfig]] = ("", {})


def load_configs() -> dict[str, ProviderConfig]:
    """Every provider's config, in catalog order (unsaved providers are OFF)."""
    global _built
    data = cache.get(CACHE_KEY)
    if data is None:
        data = {"version": uuid.uuid4().hex, "providers": _from_db()}
        cache.set(CACHE_KEY, data, app_settings.CACHE_TIMEOUT)
    version, built = _built
    if version == data["version"]:
        return built
    providers = data["providers"]
    built = {
        pid: ProviderConfig(**providers[pid]) if pid in providers else ProviderConfig(provider=pid)
        for pid in PROVIDER_IDS
    }
    _built = (data["version"], built)
    return built


def configs_for(request: Any) -> dict[str, ProviderConfig]:
    """``load_configs()``, read once per request."""
    if request is None:
        return load_configs()
    configs = getattr(request, "_sociallogin_configs", None)
    if configs is None:
        configs = load_configs()
        request._sociallogin_configs = configs
    return configs


def get_config(provider_id: str) -> ProviderConfig | None:
    return load_configs().get(provider_id)


def invalidate() -> None:
    cache.delete(CACHE_KEY)
