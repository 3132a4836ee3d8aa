"""The admin's "User database", the preview, deliveries, storeconfig and merging duplicates."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from keymap.conf import load
from keymap.models import Delivery, PartnerLink, UserDatabase, Webhook
from store.commerce.models import Order
from store.config import ConfigError, export_config, import_config
from store.models import MergeRecord
from store.services.customers import get_customer

from .conftest import SECRET, SEED_ANSWER, SEED_MAP

User = get_user_model()
CHANGE = "/admin/keymap/userdatabase/1/change/"


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("boss", "boss@example.com", "boss-pw")
    client.force_login(user)
    return client


def _form_data(storage="custom", linking=False, maps=None, **hook_overrides):
    from keymap.models import ensure_rows

    ensure_rows()
    data = {
        "storage": storage,
        "account_linking": "on" if linking else "",
        "webhooks-TOTAL_FORMS": "4",
        "webhooks-INITIAL_FORMS": "4",
        "webhooks-MIN_NUM_FORMS": "0",
        "webhooks-MAX_NUM_FORMS": "1000",
    }
    if not linking:
        data.pop("account_linking")
    for i, hook in enumerate(Webhook.objects.order_by("pk")):
        prefix = f"webhooks-{i}-"
        data.update(
            {
                prefix + "id": str(hook.pk),
                prefix + "database": "1",
                prefix + "enabled": "on",
                prefix + "url": f"https://partner.example/{hook.name}",
                prefix + "secret": "",
                prefix + "timeout": "5",
            }
        )
        key_map = (maps or {}).get(hook.name, {})
        for attribute, path in key_map.items():
            data[prefix + f"map_{attribute}"] = path
        for key, value in hook_overrides.get(hook.name, {}).items():
            data[prefix + key] = value
    return data


def test_change_page_never_shows_the_secret(admin_client, partner) -> None:
    html = admin_client.get(CHANGE).content.decode()
    assert SECRET not in html
    assert "A value is stored" in html
    assert "user_info.username" in html  # the key name map is shown


def test_linking_refused_without_server_custom_id_mapped(admin_client, partner) -> None:
    data = _form_data(
        linking=True, maps={"user_authentication": {"nickname": "user_info.username"}}
    )
    response = admin_client.post(CHANGE, data)
    assert response.status_code == 200
    assert "needs a key for server_custom_id" in response.content.decode()
    assert UserDatabase.objects.get().account_linking is False


def test_saving_a_valid_map_with_linking(admin_client, partner) -> None:
    data = _form_data(linking=True, maps={"social_login": {"server_custom_id": "user.player_id"}})
    response = admin_client.post(CHANGE, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    config = load()
    assert config.account_linking
    assert config.webhooks["social_login"].key_map == {"server_custom_id": "user.player_id"}
    assert config.webhooks["user_authentication"].key_map == {}
    # Blank secret kept the stored one.
    assert Webhook.objects.get(name="social_login").secret == SECRET


def test_invalid_path_is_an_error_on_its_field(admin_client, partner) -> None:
    data = _form_data(maps={"user_creation": {"nickname": "user..name"}})
    response = admin_client.post(CHANGE, data)
    assert response.status_code == 200
    assert "invalid key" in response.content.decode()


def test_validation_webhook_has_no_key_map(admin_client, partner) -> None:
    data = _form_data(maps={"user_validation": {"nickname": "a"}})
    assert "it has no key name map" in admin_client.post(CHANGE, data).content.decode()


def test_enabled_webhook_needs_a_secret(admin_client, db) -> None:
    data = _form_data()
    response = admin_client.post(CHANGE, data)
    assert "needs a signing secret" in response.content.decode()


def test_preview_shows_profile_claims_and_errors(admin_client, partner) -> None:
    sample = json.loads(json.dumps(SEED_ANSWER))
    sample["user_info"]["gender"] = "robot"
    response = admin_client.post(
        "/admin/keymap/userdatabase/preview/",
        {"webhook": "user_authentication", "sample": json.dumps(sample)},
    )
    html = response.content.decode()
    assert "gamer123" in html and "12345678" in html and "1990-05-15" in html
    assert "expected male, female or other" in html
    assert "partner_data" in html and "loyalty_level" in html
    assert "would be refused" in html
    bad = admin_client.post(
        "/admin/keymap/userdatabase/preview/", {"webhook": "social_login", "sample": "{nope"}
    )
    assert "not valid JSON" in bad.content.decode()


def test_deliveries_are_listed(admin_client, partner) -> None:
    Delivery.objects.create(
        webhook="user_validation", url="https://p/", outcome="unavailable", duration_ms=3,
        error="HTTP 503",
    )  # fmt: skip
    html = admin_client.get("/admin/keymap/delivery/").content.decode()
    assert "HTTP 503" in html


def test_storeconfig_round_trip(partner) -> None:
    exported = export_config(with_secrets=False)["keymap"]
    assert exported["storage"] == "custom"
    assert exported["webhooks"]["user_authentication"]["key_map"] == SEED_MAP
    assert exported["webhooks"]["user_authentication"]["secret"] == "***"  # the placeholder
    with_secrets = export_config(with_secrets=True)["keymap"]
    assert with_secrets["webhooks"]["social_login"]["secret"] == SECRET
    exported["account_linking"] = True
    exported["webhooks"]["social_login"]["timeout"] = 7.5
    import_config({"keymap": exported})
    config = load()
    assert config.account_linking and config.webhooks["social_login"].timeout == 7.5
    assert Webhook.objects.get(name="social_login").secret == SECRET  # kept


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            {"webhooks": {"user_creation": {"key_map": {"nickname": "a..b"}}}},
            "keymap.webhooks.user_creation.key_map.nickname",
        ),
        (
            {"webhooks": {"user_creation": {"key_map": {"email": "a"}}}},
            "keymap.webhooks.user_creation.key_map.email",
        ),
        ({"webhooks": {"social_login": {"timeout": 99}}}, "keymap.webhooks.social_login.timeout"),
        ({"webhooks": {"nope": {}}}, "keymap.webhooks.nope"),
        ({"storage": "cloud"}, "keymap.storage"),
        ({"account_linking": "yes"}, "keymap.account_linking"),
        (
            {
                "account_linking": True,
                "webhooks": {
                    name: {"key_map": {}}
                    for name in ("user_authentication", "user_creation", "social_login")
                },
            },
            "keymap.account_linking",
        ),
    ],
)
def test_storeconfig_errors_name_the_key_and_change_nothing(partner, change, path) -> None:
    before = export_config(with_secrets=True)["keymap"]
    with pytest.raises(ConfigError) as exc:
        import_config({"keymap": change})
    assert exc.value.path == path
    assert export_config(with_secrets=True)["keymap"] == before


def _customer_with_id(name: str, custom_id: str) -> User:
    user = User.objects.create_user(name)
    PartnerLink.objects.create(user=user, server_custom_id=custom_id)
    return user


def test_link_accounts_command_merges_duplicates(partner) -> None:
    first = _customer_with_id("first", "X1")
    second = _customer_with_id("second", "X1")
    _customer_with_id("alone", "X2")
    order = Order.objects.create(number="O-1", customer=get_customer(second), subtotal=1, total=1)
    out = StringIO()
    call_command("keymap_link_accounts", "--dry-run", stdout=out)
    assert f"would merge #{second.pk} into #{first.pk}" in out.getvalue()
    assert not MergeRecord.objects.exists()
    call_command("keymap_link_accounts", stdout=StringIO())
    record = MergeRecord.objects.get()
    assert record.target_id == first.pk and record.source_user_id == str(second.pk)
    assert PartnerLink.objects.get(server_custom_id="X1").linked
    second.refresh_from_db()
    assert not second.is_active
    order.refresh_from_db()
    assert order.customer.user_id == first.pk
    call_command("keymap_link_accounts", stdout=out)  # nothing left to do
    assert MergeRecord.objects.count() == 1


def test_admin_action_merges_duplicates(admin_client, partner) -> None:
    a, b = _customer_with_id("a", "Y"), _customer_with_id("b", "Y")
    response = admin_client.post(
        "/admin/keymap/partnerlink/",
        {"action": "link_duplicates", "_selected_action": [str(a.partner_link.pk)]},
    )
    assert response.status_code == 302
    assert MergeRecord.objects.get().source_user_id == str(b.pk)


def test_preview_says_which_attributes_failed_and_which_are_unmapped(admin_client, partner) -> None:
    from keymap.models import Webhook

    Webhook.objects.filter(name="user_authentication").update(
        key_map={"nickname": "user_info.username", "birthday": "user_info.birthday"}
    )
    from keymap.models import invalidate

    invalidate()
    sample = {"user_info": {"username": "gamer123", "birthday": "1990-13-45"}}
    html = admin_client.post(
        "/admin/keymap/userdatabase/preview/",
        {"webhook": "user_authentication", "sample": json.dumps(sample)},
    ).content.decode()
    rows = {
        name: html.split(f'data-attribute="{name}"')[1].split("</tr>")[0]
        for name in ("birthday", "nickname", "gender")
    }
    assert "not mapped" not in rows["birthday"] and "YYYY-MM-DD" in rows["birthday"]
    assert "gamer123" in rows["nickname"]
    assert "not mapped" in rows["gender"]
    # What a password login through the partner gets.
    assert "&quot;type&quot;: &quot;partner&quot;" in html
    assert html.count("<h1>") == 1 and html.count("Key name map preview") == 2  # title, h1


def test_validation_webhook_map_is_greyed_out(admin_client, partner) -> None:
    html = admin_client.get(CHANGE).content.decode()
    validation = html.split('<span class="inline_label">User validation')[1]
    assert "disabled" in validation.split('name="webhooks-3-map_nickname"')[1].split(">")[0]
    assert "has no key name map" in validation
    others = html.split('<span class="inline_label">User validation')[0]
    assert "has no key name map" not in others
    assert "disabled" not in others.split('name="webhooks-0-map_nickname"')[1].split(">")[0]


def test_partner_link_cannot_be_pointed_at_another_customer(admin_client, db) -> None:
    from django.contrib.auth import get_user_model

    from keymap.models import PartnerLink

    users = get_user_model().objects
    owner, other = users.create_user("owner"), users.create_user("other")
    link = PartnerLink.objects.create(user=owner, server_custom_id="42", linked=True)
    url = f"/admin/keymap/partnerlink/{link.pk}/change/"
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"user": other.pk, "created_at_0": "2020-01-01", "created_at_1": "0:0"})
    link.refresh_from_db()
    assert link.user == owner
