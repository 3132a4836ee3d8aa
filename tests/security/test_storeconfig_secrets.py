"""``storeconfig import`` refuses a secret that is not a string, in every section.

A number or an object where a secret belongs once said "applied" and kept the old
secret: the file's author believed the new one was in place. Bad input is an error that
names the key, and the import applies nothing of the file (all or nothing).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

APPLE_KEY = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode()
)

STORED = {
    "store": {"name": "Old name"},
    "sociallogin": {
        "providers": {
            "kakao": {"client_id": "rest-key", "secret": "kakao-secret"},
            "apple": {"client_id": "apple-id", "private_key": APPLE_KEY},
        }
    },
    "kakaosync": {"admin_key": "kakao-admin-key"},
    "keymap": {
        "webhooks": {
            "user_authentication": {"url": "https://partner.test/auth", "secret": "hook-secret"}
        }
    },
}

# Each secret of each section: where it sits in the file, and the key the error names.
SECRET_PATHS = [
    ("sociallogin", "providers", "kakao", "secret"),
    ("sociallogin", "providers", "apple", "private_key"),
    ("kakaosync", "admin_key"),
    ("keymap", "webhooks", "user_authentication", "secret"),
]
NOT_STRINGS = [123, True, {}, ["x"], None]


def _import(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("storeconfig", "import", str(path), stdout=out)
    return out.getvalue()


def _stored() -> dict[str, str]:
    from kakaosync.models import KakaoSyncSettings
    from keymap.models import Webhook
    from sociallogin.models import ProviderSettings
    from store.models import StoreSettings

    return {
        "name": StoreSettings.objects.get().name,
        "kakao": str(ProviderSettings.objects.get(provider="kakao").secret),
        "apple": str(ProviderSettings.objects.get(provider="apple").private_key),
        "admin_key": str(KakaoSyncSettings.objects.get().admin_key),
        "hook": str(Webhook.objects.get(name="user_authentication").secret),
    }


def _with(path: tuple[str, ...], value: Any) -> dict:
    """A file that changes the store's name and puts ``value`` at ``path``."""
    data: dict[str, Any] = json.loads(json.dumps(STORED))
    data["store"] = {"name": "New name"}
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@pytest.mark.parametrize("path", SECRET_PATHS, ids=".".join)
@pytest.mark.parametrize("value", NOT_STRINGS, ids=repr)
def test_a_secret_that_is_not_a_string_is_an_error_and_applies_nothing(
    tmp_path: Path, path: tuple[str, ...], value: Any
) -> None:
    _import(tmp_path, STORED)
    before = _stored()
    with pytest.raises(CommandError) as raised:
        _import(tmp_path, _with(path, value))
    message = str(raised.value)
    assert f"{'.'.join(path)}: must be a string" in message
    assert "nothing was changed" in message
    assert _stored() == before  # neither the other sections nor the old secret moved


def test_a_string_secret_and_the_placeholder_still_apply(tmp_path: Path) -> None:
    from store.config import SECRET_PLACEHOLDER

    _import(tmp_path, STORED)
    assert "applied" in _import(tmp_path, _with(SECRET_PATHS[0], "new-kakao-secret"))
    assert _stored()["kakao"] == "new-kakao-secret"
    _import(tmp_path, _with(SECRET_PATHS[3], SECRET_PLACEHOLDER))
    assert _stored()["hook"] == "hook-secret"  # the placeholder keeps the stored one
