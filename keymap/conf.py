"""Custom-storage settings as served on each request: built once per process and settings
version (``store.singleton``), no query when warm.

The built config holds the model rows themselves (each webhook's secret is decrypted by its
field on load), so it stays in this process: only the version key goes into the shared cache.
"""

from __future__ import annotations

from .models import Storage, UserDatabase, Webhook, WebhookName


class Config:
    """What a request needs to know, loaded once and cached (no query per login)."""

    def __init__(self, database: UserDatabase, webhooks: dict[str, Webhook]) -> None:
        self.database = database
        self.webhooks = webhooks

    @property
    def custom(self) -> bool:
        return self.database.storage == Storage.CUSTOM

    @property
    def account_linking(self) -> bool:
        return self.custom and self.database.account_linking

    def webhook(self, name: str) -> Webhook | None:
        """The webhook if custom storage is on and it is switched on, else ``None``."""
        hook = self.webhooks.get(name)
        if not self.custom or hook is None or not hook.is_active:
            return None
        return hook


def build_config() -> Config:
    # Read only: a shop that never opened the admin page gets the defaults, unsaved.
    database = UserDatabase.objects.filter(pk=1).first() or UserDatabase(pk=1)
    webhooks = {w.name: w for w in Webhook.objects.all()}
    for name in WebhookName.values:
        webhooks.setdefault(name, Webhook(name=name, database_id=1))
    return Config(database, webhooks)


def load() -> Config:
    """The settings, rebuilt only when an admin saved (``store.singleton``)."""
    config: Config = UserDatabase.settings_cache.get()
    return config
