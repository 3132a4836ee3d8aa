"""``storeconfig``'s one secret placeholder: written for every stored secret, read as "keep"."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from store.config import SECRET_PLACEHOLDER

pytestmark = pytest.mark.django_db

SECRETS = {
    "sociallogin": {"providers": {"kakao": {"client_id": "rest-key", "secret": "kakao-secret"}}},
    "kakaosync": {"admin_key": "kakao-admin-key"},
    "keymap": {
        "webhooks": {
            "user_authentication": {"url": "https://partner.test/auth", "secret": "hook-secret"}
        }
    },
}


def _export(*args: str) -> dict:
    out = io.StringIO()
    call_command("storeconfig", "export", *args, stdout=out)
    return json.loads(out.getvalue())


def _import(tmp_path, data: dict) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("storeconfig", "import", str(path), stdout=io.StringIO())


def _stored() -> tuple[str, str, str]:
    from kakaosync.models import KakaoSyncSettings
    from keymap.models import Webhook
    from sociallogin.models import ProviderSettings

    return (
        str(ProviderSettings.objects.get(provider="kakao").secret),
        str(KakaoSyncSettings.objects.get().admin_key),
        str(Webhook.objects.get(name="user_authentication").secret),
    )


def test_every_section_exports_the_placeholder_and_imports_it_as_keep(tmp_path) -> None:
    _import(tmp_path, SECRETS)
    assert _stored() == ("kakao-secret", "kakao-admin-key", "hook-secret")
    exported = _export()
    assert exported["sociallogin"]["providers"]["kakao"]["secret"] == SECRET_PLACEHOLDER
    assert exported["kakaosync"]["admin_key"] == SECRET_PLACEHOLDER
    hooks = exported["keymap"]["webhooks"]
    assert hooks["user_authentication"]["secret"] == SECRET_PLACEHOLDER
    assert hooks["user_creation"]["secret"] == ""  # none stored
    _import(tmp_path, exported)
    assert _stored() == ("kakao-secret", "kakao-admin-key", "hook-secret")
    with_secrets = _export("--with-secrets")
    assert with_secrets["keymap"]["webhooks"]["user_authentication"]["secret"] == "hook-secret"
