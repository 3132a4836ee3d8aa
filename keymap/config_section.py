"""The ``keymap`` section of ``storeconfig``, validated by the admin's own forms."""

from __future__ import annotations

from typing import Any

from store.config import ConfigError, check_keys, export_secret, import_secret

from .forms import UserDatabaseForm, WebhookForm, linking_problem
from .mapping import ATTRIBUTES
from .models import UserDatabase, Webhook, WebhookName, ensure_rows, invalidate

_WEBHOOK_KEYS = {"enabled", "url", "secret", "timeout", "key_map"}


class KeymapSection:
    name = "keymap"

    def export(self, *, with_secrets: bool) -> dict[str, Any]:
        from .conf import load

        config = load()
        webhooks: dict[str, Any] = {}
        for name in WebhookName.values:
            hook = config.webhooks[name]
            entry: dict[str, Any] = {
                "enabled": hook.enabled,
                "url": hook.url,
                "timeout": hook.timeout,
                "key_map": dict(hook.key_map or {}),
                "secret": export_secret(hook.secret, with_secrets=with_secrets),
            }
            webhooks[name] = entry
        return {
            "storage": config.database.storage,
            "account_linking": config.database.account_linking,
            "webhooks": webhooks,
        }

    def apply(self, data: dict[str, Any]) -> None:
        check_keys("keymap", data, {"storage", "account_linking", "webhooks"})
        ensure_rows()
        database = UserDatabase.objects.select_for_update().get_or_create(pk=1)[0]
        values = {
            "storage": data.get("storage", database.storage),
            "account_linking": data.get("account_linking", database.account_linking),
        }
        if not isinstance(values["account_linking"], bool):
            raise ConfigError("keymap.account_linking", "must be true or false")
        db_form = UserDatabaseForm(data=values, instance=database)
        if not db_form.is_valid():
            _raise("keymap", db_form)
        hooks_data = data.get("webhooks", {})
        if not isinstance(hooks_data, dict):
            raise ConfigError("keymap.webhooks", "must be an object")
        check_keys("keymap.webhooks", hooks_data, set(WebhookName.values))
        forms: list[WebhookForm] = []
        key_maps: dict[str, dict] = {}
        for name in WebhookName.values:
            hook = Webhook.objects.get_or_create(name=name, defaults={"database": database})[0]
            entry = hooks_data.get(name)
            key_maps[name] = dict(hook.key_map or {})
            if entry is None:
                continue
            prefix = f"keymap.webhooks.{name}"
            if not isinstance(entry, dict):
                raise ConfigError(prefix, "must be an object")
            check_keys(prefix, entry, _WEBHOOK_KEYS)
            key_map = entry.get("key_map", hook.key_map or {})
            if not isinstance(key_map, dict):
                raise ConfigError(f"{prefix}.key_map", "must be an object")
            check_keys(f"{prefix}.key_map", key_map, set(ATTRIBUTES))
            enabled = entry.get("enabled", hook.enabled)
            if not isinstance(enabled, bool):
                raise ConfigError(f"{prefix}.enabled", "must be true or false")
            form_data: dict[str, Any] = {
                "url": entry.get("url", hook.url),
                "secret": import_secret(entry, "secret", prefix=prefix),
                "timeout": entry.get("timeout", hook.timeout),
                **({"enabled": "on"} if enabled else {}),
            }
            for attribute in ATTRIBUTES:
                path = key_map.get(attribute) or ""
                if not isinstance(path, str):
                    raise ConfigError(f"{prefix}.key_map.{attribute}", "must be text")
                form_data[f"map_{attribute}"] = path
            form = WebhookForm(data=form_data, instance=hook)
            if not form.is_valid():
                _raise(prefix, form)
            key_maps[name] = form.cleaned_data["key_map"]
            forms.append(form)
        problem = linking_problem(values["storage"], values["account_linking"], key_maps)
        if problem:
            raise ConfigError("keymap.account_linking", str(problem))
        db_form.save()
        for form in forms:
            form.save()
        invalidate()


def _raise(prefix: str, form: Any) -> None:
    for field, errors in form.errors.items():
        if field == "__all__":
            path = prefix
        elif field.startswith("map_"):
            path = f"{prefix}.key_map.{field[4:]}"
        else:
            path = f"{prefix}.{field}"
        raise ConfigError(path, " ".join(str(e) for e in errors))
