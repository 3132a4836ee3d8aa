"""Kakao Sync settings as served on each request: from the shared cache, no query when warm.

The cache holds plain data with the admin key still encrypted (a shared Redis must not hold
plaintext keys); it is decrypted only where it is used (webhook check, unlink call).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache

from store import crypto
from store.fields import Secret

from .app_settings import app_settings
from .models import SETTINGS_CACHE_KEY


@dataclass(frozen=True)
class Term:
    tag: str
    title: str
    required: bool
    marketing: bool = False


@dataclass(frozen=True)
class SyncConfig:
    enabled: bool = False
    app_id: int | None = None
    admin_key_token: str = ""
    channel_public_id: str = ""
    quick_signup_confirmed: bool = False
    kakao_only_in_app_browser: bool = False
    terms: tuple[Term, ...] = field(default_factory=tuple)

    @property
    def is_active(self) -> bool:
        """Kakao Sync is switched on and complete (the admin form enforces the same)."""
        return bool(
            self.enabled
            and self.quick_signup_confirmed
            and self.app_id
            and any(t.required for t in self.terms)
        )

    @property
    def admin_key(self) -> Secret:
        return Secret(crypto.decrypt(self.admin_key_token)) if self.admin_key_token else Secret("")

    @property
    def term_tags(self) -> list[str]:
        return [t.tag for t in self.terms]

    @property
    def marketing_tags(self) -> set[str]:
        return {t.tag for t in self.terms if t.marketing}


def _from_db() -> dict[str, object]:
    from .models import KakaoSyncSettings

    row = KakaoSyncSettings.objects.filter(pk=1).first()
    if row is None:
        return {}
    return {
        "enabled": row.enabled,
        "app_id": row.app_id,
        "admin_key_token": crypto.encrypt(str(row.admin_key)) if row.admin_key else "",
        "channel_public_id": row.channel_public_id,
        "quick_signup_confirmed": row.quick_signup_confirmed,
        "kakao_only_in_app_browser": row.kakao_only_in_app_browser,
        "terms": [
            (t.tag, t.title, t.required, t.marketing)
            for t in row.service_terms.order_by("position", "pk")
        ],
    }


def load_config() -> SyncConfig:
    data = cache.get(SETTINGS_CACHE_KEY)
    if data is None:
        data = _from_db()
        cache.set(SETTINGS_CACHE_KEY, data, app_settings.SETTINGS_CACHE_TIMEOUT)
    values = dict(data)
    terms = tuple(Term(*t) for t in values.pop("terms", []))  # type: ignore[call-overload]
    return SyncConfig(terms=terms, **values)  # type: ignore[arg-type]


def kakao_login_status() -> str:
    """``ok``, ``disabled`` (Kakao login OFF) or ``incomplete`` (no REST API key)."""
    from sociallogin.config_cache import get_config

    config = get_config("kakao")
    if config is None or not config.enabled:
        return "disabled"
    if not config.is_complete:
        return "incomplete"
    return "ok"


def sync_active() -> SyncConfig | None:
    """The config when Kakao Sync is on, complete, and Kakao login is on; else None."""
    config = load_config()
    if not config.is_active or kakao_login_status() != "ok":
        return None
    return config
