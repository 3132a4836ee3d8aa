"""The ``sociallogin`` section of ``storeconfig``: the same form as the admin page.

``{"providers": {"kakao": {"enabled", "position", "client_id", "secret", "signup_fields": {...}},
...}, "rejoin_cooldown_days": null}``; ``position`` orders the login buttons (lowest first) and
``rejoin_cooldown_days`` is ``null`` (a deleted social account never joins again) or the days
after the deletion from which it may;
Apple adds ``team_id``, ``key_id`` and ``private_key`` (a secret). Secrets are exported only
with ``--with-secrets``; an absent or empty secret on import keeps the stored one. Changing a
client ID that customers joined with needs ``"confirm_client_id_change": true``.
``"clients": [{"label": "iOS", "client_id": "..."}]`` lists the app clients whose tokens the
provider accepts too (``ProviderClient``); an import with ``clients`` replaces the list.
"""

from __future__ import annotations

from typing import Any

from store.config import (
    ConfigError,
    check_keys,
    export_secret,
    import_secret,
    raise_form_errors,
)

from .catalog import PROVIDER_IDS, SIGNUP_FIELDS, Rule
from .conf import invalidate
from .forms import ProviderSettingsForm, RejoinPolicyForm
from .models import ProviderClient, ProviderSettings, RejoinPolicy

_SECRETS = ("secret", "private_key")


def _keys(provider_id: str) -> set[str]:
    keys = {
        "enabled",
        "position",
        "client_id",
        "clients",
        "signup_fields",
        "confirm_client_id_change",
    }
    if provider_id == "apple":
        return keys | {"team_id", "key_id", "private_key"}
    return keys | {"secret"}


class SocialLoginSection:
    name = "sociallogin"

    def export(self, *, with_secrets: bool) -> dict[str, Any]:
        rows = {r.provider: r for r in ProviderSettings.objects.all()}
        clients: dict[str, list[dict[str, str]]] = {}
        for c in ProviderClient.objects.order_by("pk"):
            clients.setdefault(c.provider, []).append({"label": c.label, "client_id": c.client_id})
        providers: dict[str, Any] = {}
        for pid in PROVIDER_IDS:
            row = rows.get(pid) or ProviderSettings(provider=pid)
            entry: dict[str, Any] = {
                "enabled": row.enabled,
                "position": row.position,
                "client_id": row.client_id,
                "clients": clients.get(pid, []),
            }
            if pid == "apple":
                entry.update({"team_id": row.team_id, "key_id": row.key_id})
            for name in _SECRETS:
                if name in _keys(pid):
                    entry[name] = export_secret(getattr(row, name), with_secrets=with_secrets)
            entry["signup_fields"] = {
                f: (row.signup_fields or {}).get(f, Rule.HIDDEN) for f in SIGNUP_FIELDS
            }
            providers[pid] = entry
        return {"providers": providers, "rejoin_cooldown_days": RejoinPolicy.cooldown()}

    def apply(self, data: dict[str, Any]) -> None:
        check_keys("sociallogin", data, {"providers", "rejoin_cooldown_days"})
        providers = data.get("providers", {})
        if not isinstance(providers, dict):
            raise ConfigError("sociallogin.providers", "must be an object")
        check_keys("sociallogin.providers", providers, set(PROVIDER_IDS))
        for pid, entry in providers.items():
            self._apply_provider(pid, entry)
        if "rejoin_cooldown_days" in data:
            self._apply_rejoin(data["rejoin_cooldown_days"])

    def _apply_rejoin(self, days: Any) -> None:
        key = "sociallogin.rejoin_cooldown_days"
        if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
            raise ConfigError(key, "must be null (never) or a whole number of days")
        row = RejoinPolicy.objects.select_for_update().get_or_create(pk=1)[0]
        form = RejoinPolicyForm(data={"cooldown_days": "" if days is None else days}, instance=row)
        if not form.is_valid():
            raise ConfigError(key, " ".join(str(e) for e in form.errors.get("cooldown_days", [])))
        form.save()

    def validate_applied(self) -> None:
        """The store's age restriction and a provider ON never stand together, whichever
        section of the import changed which."""
        from store.models import StoreSettings

        if not StoreSettings.objects.filter(pk=1, age_restricted=True).exists():
            return
        enabled = ProviderSettings.objects.filter(enabled=True).values_list("provider", flat=True)
        for pid in enabled:
            raise ConfigError(
                f"sociallogin.providers.{pid}.enabled",
                "social login cannot be on while the store is age-restricted: social login "
                "supplies no date of birth (switch it off in the same file)",
            )

    def discard_cache(self) -> None:
        invalidate()

    def _apply_provider(self, pid: str, entry: Any) -> None:
        prefix = f"sociallogin.providers.{pid}"
        if not isinstance(entry, dict):
            raise ConfigError(prefix, "must be an object")
        check_keys(prefix, entry, _keys(pid))
        row = ProviderSettings.objects.select_for_update().get_or_create(provider=pid)[0]
        values: dict[str, Any] = {
            "enabled": row.enabled,
            "client_id": row.client_id,
            "team_id": row.team_id,
            "key_id": row.key_id,
        }
        for key in ("enabled", "confirm_client_id_change"):
            if key in entry and not isinstance(entry[key], bool):
                raise ConfigError(f"{prefix}.{key}", "must be true or false")
        position = entry.get("position", row.position)
        if isinstance(position, bool) or not isinstance(position, int):
            raise ConfigError(f"{prefix}.position", "must be a whole number")
        values["position"] = position
        for key in ("client_id", "team_id", "key_id"):
            if key in entry and not isinstance(entry[key], str):
                raise ConfigError(f"{prefix}.{key}", "must be a string")
        values.update({k: v for k, v in entry.items() if k not in ("signup_fields", "clients")})
        for name in _SECRETS:
            values[name] = import_secret(entry, name, prefix=prefix)
        rules = dict(row.signup_fields or {})
        if "signup_fields" in entry:
            given = entry["signup_fields"]
            if not isinstance(given, dict):
                raise ConfigError(f"{prefix}.signup_fields", "must be an object")
            check_keys(f"{prefix}.signup_fields", given, set(SIGNUP_FIELDS))
            for name, rule in given.items():
                if rule not in Rule.VALUES:
                    raise ConfigError(
                        f"{prefix}.signup_fields.{name}",
                        f"must be one of {', '.join(Rule.VALUES)}",
                    )
            rules.update(given)
        for name in SIGNUP_FIELDS:
            values[f"rule_{name}"] = rules.get(name, Rule.HIDDEN)
        form_data = {k: v for k, v in values.items() if v is not False and v is not None}
        form = ProviderSettingsForm(data=form_data, instance=row)
        if not form.is_valid():
            raise_form_errors(prefix, form)
        form.save()
        if "clients" in entry:
            self._apply_clients(pid, entry["clients"], f"{prefix}.clients")

    def _apply_clients(self, pid: str, clients: Any, prefix: str) -> None:
        from .client_ids import app_client_problem

        if not isinstance(clients, list):
            raise ConfigError(prefix, "must be a list of {label, client_id}")
        ProviderClient.objects.filter(provider=pid).delete()
        for i, item in enumerate(clients):
            where = f"{prefix}[{i}]"
            if not isinstance(item, dict):
                raise ConfigError(where, "must be an object")
            check_keys(where, item, {"label", "client_id"})
            label, client_id = item.get("label"), item.get("client_id")
            if not isinstance(label, str) or not label.strip() or len(label) > 60:
                raise ConfigError(f"{where}.label", "must be a string of 1 to 60 characters")
            if not isinstance(client_id, str) or len(client_id) > 255:
                raise ConfigError(
                    f"{where}.client_id", "must be a string of at most 255 characters"
                )
            problem = app_client_problem(pid, client_id)
            if problem:
                raise ConfigError(f"{where}.client_id", problem)
            ProviderClient.objects.create(provider=pid, label=label.strip(), client_id=client_id)
