"""Kakao Sync settings as served on each request: built once per process and settings
version (``store.singleton``), no query when warm.

The admin key stays encrypted in the built config; it is decrypted only where it is used
(webhook check, unlink call).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from store import crypto
from store.fields import Secret

from .models import KakaoSyncSettings


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


def build_config() -> SyncConfig:
    row = KakaoSyncSettings.objects.filter(pk=1).first()
    if row is None:
        return SyncConfig()
    return SyncConfig(
        enabled=row.enabled,
        app_id=row.app_id,
        admin_key_token=crypto.encrypt(str(row.admin_key)) if row.admin_key else "",
        channel_public_id=row.channel_public_id,
        quick_signup_confirmed=row.quick_signup_confirmed,
        kakao_only_in_app_browser=row.kakao_only_in_app_browser,
        terms=tuple(
            Term(t.tag, t.title, t.required, t.marketing)
            for t in row.service_terms.order_by("position", "pk")
        ),
    )


def load_config() -> SyncConfig:
    config: SyncConfig = KakaoSyncSettings.settings_cache.get()
    return config


def kakao_login_status() -> str:
    """``ok``, ``disabled`` (Kakao login OFF) or ``incomplete`` (no REST API key)."""
    from sociallogin.conf import get_config

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
