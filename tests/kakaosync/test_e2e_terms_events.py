"""In Chromium against the Kakao sandbox: the additional-consent flow for a required term
added later, and a security event sent from the sandbox's page ending the session."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from kakaosync.models import KakaoSyncMember, ServiceTerm, WebhookDelivery, invalidate_settings
from store.commerce.models import Order, Product

from .test_e2e import kakao_consent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _join(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("button[data-provider=kakao]").click()
    kakao_consent(page, terms=["terms_of_service", "privacy_policy"], channel=False)
    expect(page.get_by_test_id("nav-account")).to_be_visible()


def test_required_term_added_later_is_agreed_on_kakao_before_ordering(
    page: Page, live_server, sync_on, use_kakao_sandbox
):
    product = Product.objects.create(name="Green tea", slug="green-tea", price=1000)
    _join(page, live_server)
    ServiceTerm.objects.create(settings=sync_on, tag="location_terms", title="Location terms")
    invalidate_settings()
    use_kakao_sandbox.state.config.service_terms["location_terms"] = True

    page.goto(f"{live_server.url}/products/{product.slug}/")
    page.get_by_label("Recipient").fill("Kim Minji")
    page.get_by_label("Shipping address").fill("Seoul, Jongno 1")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_test_id("required-terms")).to_be_visible()
    expect(page.get_by_test_id("missing-term")).to_have_text("Location terms")
    assert not Order.objects.exists()

    page.get_by_test_id("agree-on-kakao").click()
    expect(page).to_have_url(re.compile(re.escape(use_kakao_sandbox.base_url)))
    # Kakao's screen asks for exactly the new term.
    expect(page.get_by_test_id("term-location_terms")).to_be_visible()
    expect(page.get_by_test_id("term-terms_of_service")).to_have_count(0)
    page.get_by_test_id("term-location_terms").check()
    page.get_by_test_id("kakao-agree").click()
    expect(page).to_have_url(f"{live_server.url}/products/{product.slug}/")

    page.get_by_label("Recipient").fill("Kim Minji")
    page.get_by_label("Shipping address").fill("Seoul, Jongno 1")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    assert Order.objects.count() == 1
    member = KakaoSyncMember.objects.get(kakao_user_id=1001)
    terms = {t["tag"]: t for t in member.terms}
    assert terms["location_terms"]["agreed"] and terms["location_terms"]["agreed_by"] == "KAUTH"


def test_security_event_from_the_sandbox_page_ends_the_session(
    page: Page, live_server, sync_on, use_kakao_sandbox
):
    use_kakao_sandbox.state.config.shop_url = live_server.url
    _join(page, live_server)
    user = SocialAccount.objects.get(provider="kakao", uid="1001").user

    page.goto(f"{use_kakao_sandbox.base_url}/")
    page.get_by_test_id("event-type-1001").select_option("sessions-revoked")
    page.get_by_test_id("send-event-1001").click()
    expect(page.get_by_test_id("webhook-log")).to_contain_text("security event sessions-revoked")
    expect(page.get_by_test_id("webhook-log")).to_contain_text("202")
    delivery = WebhookDelivery.objects.get(kind="events")
    assert (delivery.outcome, delivery.user_id) == ("processed", user.pk)

    page.goto(f"{live_server.url}/account/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
