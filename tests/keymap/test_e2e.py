"""Flows 7 and 8 in headless Chromium against the partner and Kakao sandboxes on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from keymap.models import Delivery, PartnerLink

from .conftest import SEED_ANSWER, configure_partner

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
User = get_user_model()


@pytest.fixture
def kakao_sandbox(settings: Any) -> Iterator[str]:
    from devtools.sandboxes.kakao import start_in_thread
    from sociallogin.models import ProviderSettings

    server = start_in_thread()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.KAKAOSYNC_AUTH_BASE_URL = base
    settings.KAKAOSYNC_API_BASE_URL = base
    ProviderSettings.objects.update_or_create(
        provider="kakao",
        defaults={"enabled": True, "client_id": "sandbox-rest-api-key", "secret": ""},
    )
    yield base
    server.shutdown()
    server.server_close()


def _api_details(page: Page, base: str) -> tuple[dict, dict]:
    """POST /api/token with the session (and its CSRF cookie), then GET /api/users/me."""
    page.goto(f"{base}/")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    token = page.request.post(f"{base}/api/token", headers={"X-CSRFToken": csrf, "Referer": base})
    assert token.ok, token.text()
    access = token.json()["access_token"]
    me = page.request.get(f"{base}/api/users/me", headers={"Authorization": f"Bearer {access}"})
    assert me.ok, me.text()
    import jwt

    return jwt.decode(access, options={"verify_signature": False}), me.json()


def test_user_id_login_then_kakao_login_lands_on_the_linked_customer(
    page: Page, live_server: Any, partner_sandbox: Any, kakao_sandbox: str, settings: Any
) -> None:
    base = live_server.url
    configure_partner(partner_sandbox.base_url, linking=True)

    # 1. User-ID login: the partner's validation webhook says 200.
    page.goto(f"{base}/keymap/login/user-id/")
    page.fill("input[name=user_id]", "87654321")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".messages")).to_contain_text("logged in with your user ID")
    first = User.objects.get(partner_link__server_custom_id="87654321")
    claims, me = _api_details(page, base)
    assert claims["type"] == "server_custom_id" and claims["server_custom_id"] == "87654321"
    assert me["nickname"] is None and me["username"] is None  # no personal data yet
    page.goto(f"{base}/account/")
    expect(page.get_by_test_id("stronger-login")).to_be_visible()

    # 2. Later, a Kakao login: the partner recognises the Kakao profile as the same user.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{base}/accounts/login/")
    page.locator("button[data-provider=kakao]").click()
    page.locator("input[name=person][value='1001']").check()
    page.get_by_test_id("kakao-login").click()
    page.get_by_test_id("kakao-agree").click()
    expect(page.get_by_test_id("nav-account")).to_be_visible()

    # 3. Linked: the Kakao account belongs to the user-ID customer, and the JWT carries the
    #    partner's answer.
    assert SocialAccount.objects.get(provider="kakao").user == first
    assert User.objects.filter(is_active=True).count() == 1
    claims, me = _api_details(page, base)
    assert claims["type"] == "kakao" and claims["sub"] == str(first.pk)
    assert claims["partner_data"]["user"]["player_id"] == "87654321"
    assert claims["nickname"] == "minji" and claims["gender"] == "female"
    assert me["nickname"] == "minji" and me["birthday"] == "1995-11-03"
    assert me["country"] is None and me["tag"] is None
    webhooks = [d["webhook"] for d in partner_sandbox.received]
    assert webhooks == ["user_validation", "social_login"]


def test_password_login_signup_refusal_and_unknown_user_id(
    page: Page, live_server: Any, partner_sandbox: Any
) -> None:
    base = live_server.url
    configure_partner(partner_sandbox.base_url, linking=True)

    page.goto(f"{base}/keymap/login/user-id/")
    page.fill("input[name=user_id]", "00000000")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("user-id-errors")).to_contain_text("no user with this ID")

    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "gamer123")
    page.fill("input[name=password]", "wrong-password")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(page.locator("form .errorlist, .alert, .errorlist").first).to_be_visible()
    assert not User.objects.exists()

    page.fill("input[name=login]", "gamer123")
    page.fill("input[name=password]", "gamer-pass-123")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()
    expect(page.get_by_test_id("nav-account")).to_be_visible()
    user = User.objects.get()
    assert user.customer.nickname == "gamer123"
    assert user.partner_link.linked and user.partner_link.server_custom_id == "12345678"
    page.get_by_role("button", name="Log out").click()

    # Signup with a name the partner already has: its reason is shown on the form.
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", "someone@example.com")
    page.fill("input[name=username]", "minji")
    page.fill("input[name=password1]", "Very-long-pass-4321")
    page.fill("input[name=password2]", "Very-long-pass-4321")
    page.locator("form").filter(has=page.locator("input[name=password2]")).locator(
        "button[type=submit]"
    ).click()
    expect(page.locator("body")).to_contain_text("already taken at the partner")
    assert User.objects.count() == 1
    assert Delivery.objects.filter(webhook="user_creation", outcome="refused").count() == 1


def test_admin_linking_rule_and_preview(page: Page, live_server: Any, partner_sandbox: Any) -> None:
    base = live_server.url
    configure_partner(partner_sandbox.base_url, key_map={"nickname": "user_info.username"})
    User.objects.create_superuser("boss", "boss@example.com", "Boss-pass-1234")
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "Boss-pass-1234")
    page.locator("input[type=submit]").click()

    page.goto(f"{base}/admin/keymap/userdatabase/")
    assert "partner-signing-secret" not in page.content()
    page.check("input[name=account_linking]")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errorlist").first).to_contain_text("server_custom_id")

    page.fill("input[name=webhooks-2-map_server_custom_id]", "user.player_id")
    page.check("input[name=account_linking]")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert PartnerLink.objects.count() == 0

    page.goto(f"{base}/admin/keymap/userdatabase/1/change/")
    page.get_by_test_id("keymap-preview-link").click()
    page.select_option("select[name=webhook]", "social_login")
    sample = json.loads(json.dumps(SEED_ANSWER))
    sample["user"]["player_id"] = ""
    page.fill("textarea[name=sample]", json.dumps(sample))
    page.locator("input[type=submit]").click()
    row = page.locator("#preview-profile tr[data-attribute=server_custom_id]")
    expect(row).to_contain_text("the user ID is empty")
    expect(page.locator("#preview-profile tr[data-attribute=nickname]")).to_contain_text("gamer123")
    expect(page.locator("#preview-claims")).to_contain_text("partner_data")
