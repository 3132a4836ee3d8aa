"""The single-page front end (``devtools/spa``) in headless Chromium, on allauth headless's
browser client, against the Kakao sandbox on loopback."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from kakaosync.models import KakaoSyncMember
from sociallogin import tombstones
from store.models import Customer
from tests.kakaosync.test_e2e import kakao_consent

from .conftest import KAKAOTALK

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REQUIRED = ["terms_of_service", "privacy_policy"]


@pytest.fixture(autouse=True)
def spa_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.headless.spa_urls"


def test_kakao_sync_signup_with_terms(page: Page, live_server, sync_on, use_kakao_sandbox):
    page.goto(f"{live_server.url}/spa/")
    expect(page.get_by_test_id("status")).to_have_text("Not logged in")
    page.locator("button[data-provider=kakao]").click()
    expect(page).to_have_url(re.compile(re.escape(use_kakao_sandbox.base_url)))
    # Kakao's consent screen asks the store's terms and channel (service_terms and
    # channel_public_id on the headless redirect): ticked there, or this fails.
    kakao_consent(page, terms=REQUIRED, channel=True)
    expect(page.get_by_test_id("status")).to_have_text("Logged in")
    member = KakaoSyncMember.objects.get(kakao_user_id=1001)
    assert member.channel_status == "ADDED"
    assert {t["tag"] for t in member.terms if t["agreed"]} >= set(REQUIRED)


def test_store_signup_with_a_required_phone(
    page: Page, live_server, sync_on, kakao_login, use_kakao_sandbox
):
    from sociallogin.conf import invalidate

    kakao_login.signup_fields = {**kakao_login.signup_fields, "phone": "required"}
    kakao_login.save()
    invalidate()
    page.goto(f"{live_server.url}/spa/")
    page.locator("button[data-provider=kakao]").click()
    page.locator("input[name=person][value='1001']").check()
    page.get_by_test_id("kakao-login").click()
    page.get_by_test_id("item-phone_number").uncheck()  # Kakao gives no phone
    for tag in REQUIRED:
        page.get_by_test_id(f"term-{tag}").check()
    page.get_by_test_id("kakao-agree").click()
    form = page.get_by_test_id("provider-signup")
    expect(form).to_be_visible()
    form.get_by_role("button", name="Join").click()
    expect(page.locator("[data-testid=errors] li[data-param=phone]")).to_be_visible()
    assert not get_user_model().objects.exists()
    form.locator("input[name=phone]").fill("010-1234-5678")
    form.get_by_role("button", name="Join").click()
    expect(page.get_by_test_id("status")).to_have_text("Logged in")
    assert Customer.objects.get().phone == "010-1234-5678"


def test_a_refusal_at_the_callback_is_shown(page: Page, live_server, sync_on, use_kakao_sandbox):
    tombstones.bury("kakao", "1001")
    page.goto(f"{live_server.url}/spa/")
    page.locator("button[data-provider=kakao]").click()
    kakao_consent(page, terms=REQUIRED, channel=False)
    refusal = page.locator("[data-testid=errors] li[data-code=deleted_account]")
    expect(refusal).to_contain_text("deleted")
    assert not get_user_model().objects.exists()


class TestInsideKakaoTalk:
    @pytest.fixture
    def browser_context_args(self) -> dict[str, Any]:
        return {
            "locale": "en-US",
            "viewport": {"width": 400, "height": 800},
            "user_agent": KAKAOTALK,
        }

    def test_kakao_only_and_a_json_refusal_shown(self, page: Page, live_server, restricted):
        page.goto(f"{live_server.url}/spa/")
        expect(page.locator("button[data-provider]")).to_have_count(1)
        expect(page.locator("button[data-provider=kakao]")).to_be_visible()
        signup = page.get_by_test_id("store-signup")
        signup.locator("input[name=email]").fill("new@example.com")
        signup.locator("input[name=username]").fill("newbie")
        signup.locator("input[name=password]").fill("Pw-12345678x")
        signup.get_by_role("button", name="Sign up").click()
        refusal = page.locator("[data-testid=errors] li[data-code=kakao_only]")
        expect(refusal).to_contain_text("KakaoTalk browser")
        assert not get_user_model().objects.exists() and not Customer.objects.exists()
