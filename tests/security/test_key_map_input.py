"""Promises about what the partner, the admin and ``storeconfig`` may send the key name map.

- A mapped key missing from the partner's answer keeps the attribute's current value: the
  login goes on (the admin says no attribute is required).
- The admin can preview a key name map before saving it.
- Webhook URLs are http or https only.
- JSON nested beyond what Python parses gives a clear error in the preview and in
  ``storeconfig import``, never a 500 or a traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from keymap.mapping import compile_key_map, map_answer
from tests.keymap.conftest import PARTNER, PATHS, SEED_ANSWER, SEED_MAP, answer
from tests.keymap.conftest import partner as partner

User = get_user_model()
AUTH = PARTNER + PATHS["user_authentication"]
PREVIEW = "/admin/keymap/userdatabase/preview/"
DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture
def admin_client(client: Any, db: Any) -> Any:
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "boss-pw"))
    return client


def test_a_missing_mapped_key_is_no_error_and_sets_nothing() -> None:
    compiled = compile_key_map(SEED_MAP)
    sample = copy.deepcopy(SEED_ANSWER)
    del sample["user_info"]["gender"]
    del sample["user_info"]["birthday"]
    values = map_answer(compiled, sample)
    assert "gender" not in values and "birthday" not in values
    assert values["nickname"] == "gamer123"


@responses.activate
def test_a_login_whose_answer_lacks_a_mapped_key_keeps_the_current_value(
    client: Any,
    partner: Any,
) -> None:
    responses.post(AUTH, json=answer())
    login = {"login": "gamer123", "password": "pw-123456"}
    assert client.post(reverse("account_login"), login).status_code == 302
    client.logout()
    lacking = answer(username="gamer-renamed")
    del lacking["user_info"]["gender"]
    del lacking["user_info"]["birthday"]
    responses.replace(responses.POST, AUTH, json=lacking)
    assert client.post(reverse("account_login"), login).status_code == 302
    customer = User.objects.get(partner_link__server_custom_id="12345678").customer
    assert customer.nickname == "gamer-renamed"
    assert (customer.gender, customer.birthday) == ("male", dt.date(1990, 5, 15))


def test_the_preview_tries_an_unsaved_map(admin_client: Any, partner: Any) -> None:
    from keymap.models import Webhook, invalidate

    Webhook.objects.filter(name="user_authentication").update(key_map={})
    invalidate()
    html = admin_client.post(
        PREVIEW,
        {
            "webhook": "user_authentication",
            "sample": json.dumps(SEED_ANSWER),
            "map_nickname": "user_info.username",
        },
    ).content.decode()
    row = html.split('data-attribute="nickname"')[1].split("</tr>")[0]
    assert "gamer123" in row
    assert Webhook.objects.get(name="user_authentication").key_map == {}  # nothing saved


def test_the_preview_says_a_missing_key_keeps_the_value(
    admin_client: Any,
    partner: Any,
) -> None:
    sample = copy.deepcopy(SEED_ANSWER)
    del sample["user_info"]["gender"]
    html = admin_client.post(
        PREVIEW, {"webhook": "user_authentication", "sample": json.dumps(sample)}
    ).content.decode()
    row = html.split('data-attribute="gender"')[1].split("</tr>")[0]
    assert "keeps its current value" in row
    assert "would succeed" in html


def test_deeply_nested_json_in_the_preview_is_a_clear_error(
    admin_client: Any,
    partner: Any,
) -> None:
    resp = admin_client.post(PREVIEW, {"webhook": "user_authentication", "sample": DEEP})
    assert resp.status_code == 200
    assert "nested too deeply" in resp.content.decode()


def test_deeply_nested_json_in_storeconfig_import_is_a_clear_error(db: Any, tmp_path: Any) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"store": ' + DEEP + "}")
    with pytest.raises(CommandError, match="nested too deeply"):
        call_command("storeconfig", "import", str(path))


@pytest.mark.parametrize(
    "url", ["ftp://partner.example/hook", "ftps://partner.example/hook", "file:///etc/passwd"]
)
def test_webhook_urls_other_than_http_are_refused(db: Any, url: str) -> None:
    from store.config import ConfigError, import_config

    hook = {"enabled": True, "url": url, "secret": "s3cret", "timeout": 5}
    with pytest.raises(ConfigError, match="URL"):
        import_config({"keymap": {"storage": "custom", "webhooks": {"user_authentication": hook}}})
