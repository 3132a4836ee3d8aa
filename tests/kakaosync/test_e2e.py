"""Kakao Sync in a real browser (Chromium) against the Kakao sandbox on loopback."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from kakaosync.models import (
    KakaoSyncMember,
    WebhookDelivery,
)
from store.models import Customer

from .conftest import CHANNEL

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def kakao_consent(page: Page, *, person: str = "1001", terms: list[str], channel: bool) -> None:
    """On the sandbox: log in as ``person``, tick the terms (and channel), agree."""
    page.locator(f"input[name=person][value='{person}']").check()
    page.get_by_test_id("kakao-login").click()
    for tag in terms:
        page.get_by_test_id(f"term-{tag}").check()
    if channel:
        page.get_by_test_id(f"channel-{CHANNEL}").check()
    page.get_by_test_id("kakao-agree").click()


def test_sync_signup_stores_terms_and_channel(page: Page, live_server, sync_on, use_kakao_sandbox):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("button[data-provider=kakao]").click()
    expect(page).to_have_url(re.compile(re.escape(use_kakao_sandbox.base_url)))
    page.locator("input[name=person][value='1001']").check()
    page.get_by_test_id("kakao-login").click()
    # Kakao's one consent screen: profile items, the store's terms and the channel.
    expect(page.get_by_test_id("term-terms_of_service")).to_be_visible()
    expect(page.get_by_test_id(f"channel-{CHANNEL}")).to_be_visible()
    page.get_by_test_id("kakao-agree").click()  # required terms missing
    expect(page.get_by_test_id("consent-error")).to_be_visible()
    for tag in ("terms_of_service", "privacy_policy", "marketing"):
        page.get_by_test_id(f"term-{tag}").check()
    page.get_by_test_id(f"channel-{CHANNEL}").check()
    page.get_by_test_id("kakao-agree").click()
    expect(page.get_by_test_id("nav-account")).to_be_visible()

    member = KakaoSyncMember.objects.get(kakao_user_id=1001)
    assert member.joined_via_sync and member.channel_status == "ADDED"
    assert {t["tag"] for t in member.terms if t["agreed"]} == {
        "terms_of_service",
        "privacy_policy",
        "marketing",
    }
    customer = Customer.objects.get(user=member.user)
    assert customer.marketing_consent
    assert customer.phone == "010-1234-5678"


def test_unlink_webhook_from_the_sandbox_removes_the_link(
    page: Page, live_server, sync_on, use_kakao_sandbox
):
    use_kakao_sandbox.state.config.shop_url = live_server.url
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("button[data-provider=kakao]").click()
    kakao_consent(page, terms=["terms_of_service", "privacy_policy"], channel=False)
    expect(page.get_by_test_id("nav-account")).to_be_visible()
    user = SocialAccount.objects.get(provider="kakao", uid="1001").user

    page.goto(f"{use_kakao_sandbox.base_url}/")
    page.locator("select[name=referrer_type]").select_option("UNLINK_FROM_APPS")
    page.get_by_test_id("send-unlink-1001").click()
    expect(page.get_by_test_id("webhook-log")).to_contain_text("200")
    assert not SocialAccount.objects.filter(user=user).exists()
    member = KakaoSyncMember.objects.get(user=user)
    assert member.unlinked_at is not None and member.needs_recovery
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.event) == ("processed", "UNLINK_FROM_APPS")
