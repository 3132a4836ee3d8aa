"""The KakaoTalk in-app browser in Chromium (KakaoTalk's Android user agent)."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import Page, expect

from kakaosync.models import KakaoSyncMember, KakaoSyncSettings, invalidate_settings
from store.services.customers import onboard

from .test_e2e import kakao_consent
from .test_inapp import KAKAOTALK_ANDROID

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args():
    return {
        "locale": "en-US",
        "viewport": {"width": 400, "height": 800},
        "user_agent": KAKAOTALK_ANDROID,
    }


def test_kakaotalk_browser_kakao_only_and_existing_customer_proves_with_code(
    page: Page, live_server, sync_on, use_kakao_sandbox
):
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=True)
    invalidate_settings()
    shopper = get_user_model().objects.create_user(
        "hana", email="hana-store@example.com", password="Hana-pass-1234"
    )
    onboard(shopper)
    base = live_server.url

    # The login page first tries Kakao's automatic login (prompt=none); the sandbox has
    # no Kakao session yet, so the shop shows its Kakao-only page with the button.
    page.goto(f"{base}/accounts/login/")
    expect(page.get_by_test_id("kakao-only")).to_be_visible()
    expect(page).to_have_url(f"{base}/kakaosync/login/")
    expect(page.locator("input[name=password]")).to_have_count(0)
    expect(page.locator("button[data-provider=naver]")).to_have_count(0)
    page.goto(f"{base}/accounts/signup/")
    expect(page.get_by_test_id("kakao-only")).to_be_visible()
    expect(page.locator("input[name=password1]")).to_have_count(0)

    # An existing store-ID customer names their account, logs in with Kakao (another
    # address than the store account), proves ownership with the emailed code.
    page.get_by_test_id("claim-link").click()
    page.fill("input[name=login]", "hana")
    page.get_by_test_id("claim-submit").click()
    expect(page.get_by_test_id("claim-pending")).to_be_visible()
    page.get_by_test_id("kakao-only-login").click()
    kakao_consent(page, person="1002", terms=["terms_of_service", "privacy_policy"], channel=False)
    expect(page.get_by_test_id("social-link")).to_be_visible()
    # The shopper named the account: the page does not claim Kakao's email matched it.
    expect(page.get_by_test_id("social-link")).to_contain_text("Prove that the account with")
    assert not SocialAccount.objects.exists()
    page.get_by_test_id("link-send-code").click()
    assert mail.outbox[-1].to == ["hana-store@example.com"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.fill("input[name='code-code']", code)
    page.get_by_test_id("link-code").locator("button").click()
    expect(page.get_by_test_id("nav-account")).to_be_visible()
    account = SocialAccount.objects.get(provider="kakao")
    assert account.user == shopper and account.uid == "1002"
    assert KakaoSyncMember.objects.get(user=shopper).kakao_user_id == 1002
    assert get_user_model().objects.count() == 1
