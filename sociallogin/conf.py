"""Provider settings as served to allauth: built once per process and settings version
(``store.singleton``), invalidated on save on every worker.

The built configs hold every secret still encrypted; secrets are decrypted only when an
app is built for a request. Once warm, serving the providers costs no database query.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from store import crypto
from store.fields import Secret
from store.singleton import VersionedCache

from .app_settings import app_settings
from .catalog import DEFAULT_SIGNUP_RULES, PROVIDER_IDS, PROVIDERS, Rule

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialApp


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
    # (label, client ID) of the app clients whose tokens are accepted too (``ProviderClient``).
    app_clients: tuple[tuple[str, str], ...] = ()

    @property
    def accepted_client_ids(self) -> tuple[str, ...]:
        """The web client first, then each app client: the audiences a token may carry."""
        ids = (self.client_id,) if self.client_id else ()
        return ids + tuple(cid for _label, cid in self.app_clients if cid not in ids)

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

    def to_app(self, client_id: str | None = None) -> SocialApp:
        """An unsaved allauth ``SocialApp`` carrying the decrypted credentials.

        ``client_id``: one of :attr:`accepted_client_ids`, for the app a token names
        (allauth's ``provider/token`` checks the app's client ID against the token's).
        """
        from allauth.socialaccount.models import SocialApp

        info = PROVIDERS[self.provider]
        chosen = client_id if client_id in self.accepted_client_ids else self.client_id
        app = SocialApp(provider=self.provider, name=str(info.name), client_id=chosen)
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


def _from_db() -> dict[str, ProviderConfig]:
    """Every provider's config, in catalog order (unsaved providers are OFF)."""
    from .models import ProviderClient, ProviderSettings

    rows = {row.provider: row for row in ProviderSettings.objects.all()}
    clients: dict[str, list[tuple[str, str]]] = {}
    for label, pid, cid in ProviderClient.objects.values_list("label", "provider", "client_id"):
        clients.setdefault(pid, []).append((label, cid))
    configs = {}
    for pid in PROVIDER_IDS:
        row = rows.get(pid)
        if row is None:
            configs[pid] = ProviderConfig(provider=pid)
            continue
        configs[pid] = ProviderConfig(
            provider=pid,
            enabled=row.enabled,
            client_id=row.client_id,
            team_id=row.team_id,
            key_id=row.key_id,
            signup_fields=dict(row.signup_fields or {}),
            position=row.position,
            secret_token=crypto.encrypt(str(row.secret)) if row.secret else "",
            private_key_token=crypto.encrypt(str(row.private_key)) if row.private_key else "",
            app_clients=tuple(clients.get(pid, ())),
        )
    return configs


providers_cache = VersionedCache(
    "sociallogin:providers:version", _from_db, lambda: app_settings.CACHE_TIMEOUT
)


def load_configs() -> dict[str, ProviderConfig]:
    """Every provider's config, in catalog order (unsaved providers are OFF)."""
    return providers_cache.get()


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
    providers_cache.invalidate()
