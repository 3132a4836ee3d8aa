"""Account deletion, system checks, the demo seeding command and the sandbox's signature check."""

from __future__ import annotations

import json
from io import StringIO

import requests
import responses
from django.core.management import call_command
from django.urls import reverse

from keymap import checks
from keymap import client as partner_client
from keymap.conf import load
from keymap.models import PartnerLink
from store.services.customers import delete_account

from .conftest import PARTNER, PATHS, SECRET, answer


@responses.activate
def test_deleting_the_account_removes_the_partner_link(client, partner) -> None:
    responses.post(PARTNER + PATHS["user_authentication"], json=answer())
    client.post(reverse("account_login"), {"login": "gamer123", "password": "pw-123456"})
    link = PartnerLink.objects.get()
    delete_account(link.user)
    assert not PartnerLink.objects.exists()


def test_checks(settings) -> None:
    settings.KEYMAP_JWT_ALGORITHM = "none"
    assert [m.id for m in checks.check_jwt()] == ["keymap.E001"]
    settings.KEYMAP_JWT_ALGORITHM = "HS256"
    settings.KEYMAP_JWT_HS256_SECRET = "short"
    assert [m.id for m in checks.check_jwt()] == ["keymap.E002"]
    settings.KEYMAP_JWT_ALGORITHM = "RS256"
    assert checks.check_jwt() == []
    assert checks.check_backend() == []
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert [m.id for m in checks.check_backend()] == ["keymap.E004"]
    settings.ACCOUNT_ADAPTER = "allauth.account.adapter.DefaultAccountAdapter"
    assert [m.id for m in checks.check_backend()] == ["keymap.E004", "keymap.E005"]


def test_seed_demo_wires_the_sandbox(db, partner_sandbox) -> None:
    out = StringIO()
    call_command(
        "keymap_seed_demo", "--url", partner_sandbox.base_url, "--secret", SECRET, stdout=out
    )
    config = load()
    assert config.custom and config.account_linking
    assert (
        config.webhook("user_validation").url == partner_sandbox.base_url + PATHS["user_validation"]
    )
    assert config.webhooks["social_login"].key_map["server_custom_id"] == "user.player_id"
    call_command("keymap_seed_demo", "--url", "", stdout=out)  # no URL: left alone
    assert load().custom


def test_sandbox_verifies_our_signature(partner_sandbox) -> None:
    url = partner_sandbox.base_url + PATHS["user_validation"]
    body = json.dumps({"user_id": "12345678"}).encode()
    good = {
        "X-Store-Signature": partner_client.sign(SECRET, body),
        "X-Store-Webhook": "user_validation",
    }
    assert requests.post(url, data=body, headers=good, timeout=5).status_code == 200
    bad = {**good, "X-Store-Signature": partner_client.sign("wrong", body)}
    assert requests.post(url, data=body, headers=bad, timeout=5).status_code == 401
    other = {**good, "X-Store-Webhook": "user_creation"}
    assert requests.post(url, data=body, headers=other, timeout=5).status_code == 400
    assert "password" not in json.dumps(partner_sandbox.received)


def test_user_id_login_link_tag(rf, db) -> None:
    from django.template import Context, Template

    from .conftest import configure_partner

    template = Template("{% load keymap %}{% user_id_login_link %}")
    request = rf.get("/accounts/login/?next=/cart/")
    assert "user-id-login-link" not in template.render(Context({"request": request}))
    configure_partner()
    html = template.render(Context({"request": request}))
    assert 'href="/keymap/login/user-id/?next=/cart/"' in html


def test_loading_the_settings_writes_nothing(db, django_assert_num_queries) -> None:
    from keymap.models import UserDatabase, Webhook

    with django_assert_num_queries(2):
        config = load()
    assert not config.custom and config.webhook("user_validation") is None
    assert not UserDatabase.objects.exists() and not Webhook.objects.exists()
    with django_assert_num_queries(0):
        load()  # warm: no query at all


def test_login_page_links_to_user_id_login_when_offered(client, db) -> None:
    from .conftest import configure_partner

    page = client.get("/accounts/login/?next=/account/").content.decode()
    assert "user-id-login-link" not in page and 'name="password"' in page
    configure_partner()
    page = client.get("/accounts/login/?next=/account/").content.decode()
    assert 'href="/keymap/login/user-id/?next=/account/"' in page
    assert 'name="password"' in page  # allauth's own page, extended, not replaced
