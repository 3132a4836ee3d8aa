"""The ``kakaosync`` section of ``storeconfig``, validated by the admin's own forms.

``{"enabled", "app_id", "admin_key", "service_terms": [{"tag", "title", "required",
"marketing"}], "channel_public_id", "quick_signup_confirmed", "kakao_only_in_app_browser"}``.
The admin key is exported only with ``--with-secrets`` (else ``"***"`` when set); an absent,
empty or ``"***"`` key on import keeps the stored one. ``service_terms``, when given,
replaces the list.
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

from .forms import KakaoSyncSettingsForm, ServiceTermForm, check_terms
from .models import KakaoSyncSettings, ServiceTerm, invalidate_settings

_KEYS = {
    "enabled",
    "app_id",
    "admin_key",
    "service_terms",
    "channel_public_id",
    "quick_signup_confirmed",
    "kakao_only_in_app_browser",
}
_TERM_KEYS = {"tag", "title", "required", "marketing"}
_BOOLS = ("enabled", "quick_signup_confirmed", "kakao_only_in_app_browser")


class KakaoSyncSection:
    name = "kakaosync"

    def export(self, *, with_secrets: bool) -> dict[str, Any]:
        row = KakaoSyncSettings.objects.filter(pk=1).first() or KakaoSyncSettings()
        key = str(row.admin_key or "")
        terms = list(row.service_terms.all()) if row.pk else []
        return {
            "enabled": row.enabled,
            "app_id": row.app_id,
            "admin_key": export_secret(key, with_secrets=with_secrets),
            "service_terms": [
                {"tag": t.tag, "title": t.title, "required": t.required, "marketing": t.marketing}
                for t in terms
            ],
            "channel_public_id": row.channel_public_id,
            "quick_signup_confirmed": row.quick_signup_confirmed,
            "kakao_only_in_app_browser": row.kakao_only_in_app_browser,
        }

    def apply(self, data: dict[str, Any]) -> None:
        check_keys("kakaosync", data, _KEYS)
        row = KakaoSyncSettings.objects.select_for_update().get_or_create(pk=1)[0]
        values: dict[str, Any] = {
            "enabled": row.enabled,
            "app_id": row.app_id,
            "admin_key": "",
            "channel_public_id": row.channel_public_id,
            "quick_signup_confirmed": row.quick_signup_confirmed,
            "kakao_only_in_app_browser": row.kakao_only_in_app_browser,
        }
        for key in _BOOLS:
            if key in data and not isinstance(data[key], bool):
                raise ConfigError(f"kakaosync.{key}", "must be true or false")
        if (
            "app_id" in data
            and data["app_id"] is not None
            and (isinstance(data["app_id"], bool) or not isinstance(data["app_id"], int))
        ):
            raise ConfigError("kakaosync.app_id", "must be a number or null")
        if "channel_public_id" in data and not isinstance(data["channel_public_id"], str):
            raise ConfigError("kakaosync.channel_public_id", "must be a string")
        values.update({k: v for k, v in data.items() if k != "service_terms"})
        values["admin_key"] = import_secret(data, "admin_key", prefix="kakaosync")
        if values.get("app_id") is None:
            values["app_id"] = ""

        terms = (
            self._terms(data["service_terms"])
            if "service_terms" in data
            else [
                {"tag": t.tag, "title": t.title, "required": t.required, "marketing": t.marketing}
                for t in row.service_terms.all()
            ]
        )
        form = KakaoSyncSettingsForm(data=values, instance=row)
        if not form.is_valid():
            raise_form_errors("kakaosync", form)
        errors = check_terms(terms, enabled=bool(form.cleaned_data.get("enabled")))
        if errors:
            raise ConfigError("kakaosync.service_terms", " ".join(errors))
        saved = form.save()
        if "service_terms" in data:
            saved.service_terms.all().delete()
            for position, term in enumerate(terms):
                ServiceTerm.objects.create(settings=saved, position=position, **term)

    def validate_applied(self) -> None:
        """After the whole import: Kakao Sync ON still has Kakao login ON and configured,
        whichever section of the file changed which."""
        from .conf import kakao_login_status

        row = KakaoSyncSettings.objects.filter(pk=1, enabled=True).first()
        if row is None:
            return
        if kakao_login_status() != "ok":
            raise ConfigError(
                "kakaosync.enabled",
                "Kakao Sync needs Kakao login on with its REST API key (sociallogin.providers."
                "kakao); switch Kakao Sync off in the same file or keep Kakao login on",
            )

    def discard_cache(self) -> None:
        """A failed import: settings cached inside the rolled-back transaction are dropped."""
        invalidate_settings()

    def _terms(self, raw: Any) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            raise ConfigError("kakaosync.service_terms", "must be a list")
        terms = []
        for index, item in enumerate(raw):
            prefix = f"kakaosync.service_terms[{index}]"
            if not isinstance(item, dict):
                raise ConfigError(prefix, "must be an object")
            check_keys(prefix, item, _TERM_KEYS)
            for key in ("required", "marketing"):
                if key in item and not isinstance(item[key], bool):
                    raise ConfigError(f"{prefix}.{key}", "must be true or false")
            values = {"required": True, "marketing": False, "position": index, **item}
            form = ServiceTermForm(data=values)
            if not form.is_valid():
                raise_form_errors(prefix, form)
            cleaned = form.cleaned_data
            terms.append({k: cleaned[k] for k in _TERM_KEYS})
        return terms
