"""In Chromium, in Korean: the store-ID signup with the admin's default Korean terms, then
the consents page (agree to an advertising item, withdraw it, the result and its date)."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from store import consents
from store.models import Term

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args() -> dict[str, object]:
    return {"locale": "ko-KR", "viewport": {"width": 1200, "height": 1400}}


def korean_defaults() -> dict[str, Term]:
    """The migration's Korean drafts, published as the admin would."""
    defaults = importlib.import_module("store.migrations.0009_default_terms").DEFAULTS
    # A transactional test may find the migration's rows flushed: made again here.
    Term.objects.all().delete()
    found = {}
    for position, (kind, title, mandatory, text) in enumerate(defaults):
        if kind == "third_party":
            continue  # only where the shop provides data to third parties
        found[kind] = consents.publish(
            Term(
                kind=kind,
                title=title,
                text=text,
                mandatory=mandatory,
                published=True,
                position=position,
            )
        )
    return found


def test_signup_and_consents_pages_in_korean(page: Page, live_server, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    terms = korean_defaults()
    base = live_server.url
    page.goto(f"{base}/accounts/signup/")
    expect(page.locator("body")).to_contain_text("이용약관 동의 (필수)")
    expect(page.locator("body")).to_contain_text("광고성 정보 수신 동의 (이메일) (선택)")
    expect(page.locator("body")).to_contain_text("만 14세 이상입니다")
    expect(page.get_by_role("link", name="전문 보기").first).to_have_attribute(
        "href", f"/terms/{terms['tos'].pk}/"
    )
    page.fill("input[name=email]", "hana@example.com")
    page.fill("input[name=username]", "hana")
    page.fill("input[name=password1]", "Very-long-pass-4321")
    page.fill("input[name=password2]", "Very-long-pass-4321")
    # The mandatory terms unticked: nobody joins.
    page.check("input[name=age_14_or_older]")
    page.locator("form").filter(has=page.locator("input[name=password2]")).locator(
        "button[type=submit]"
    ).click()
    # The browser holds the form (a mandatory term is a required box); the server refuses
    # it too (tests/consents/test_store_signup.py).
    tos_box = page.locator(f"input[name=term_{terms['tos'].pk}]")
    assert tos_box.evaluate("box => box.validity.valueMissing")
    assert not get_user_model().objects.filter(username="hana").exists()
    page.check(f"input[name=term_{terms['tos'].pk}]")
    page.check(f"input[name=term_{terms['privacy'].pk}]")
    page.screenshot(path="test-artifacts/consents-signup-ko.png", full_page=True)
    page.locator("form").filter(has=page.locator("input[name=password2]")).locator(
        "button[type=submit]"
    ).click()
    page.goto(f"{base}/account/")
    page.get_by_test_id("my-consents").click()
    table = page.get_by_test_id("consents")
    expect(table).to_contain_text("동의함 (버전 1)")
    expect(table).to_contain_text("상점 양식")
    # Agree to e-mail advertising, then withdraw it: told the result and the date.
    email = terms["marketing_email"]
    page.get_by_test_id("consents-agree").locator(f"input[name=term_{email.pk}]").check()
    page.get_by_test_id("consents-agree-submit").click()
    expect(page.locator("body")).to_contain_text("에 동의하셨습니다.")
    page.get_by_test_id(f"withdraw-{email.pk}").click()
    expect(page.locator("body")).to_contain_text("동의를 철회하셨습니다. 처리 결과를 이메일로")
    page.screenshot(path="test-artifacts/consents-page-ko.png", full_page=True)
    user = get_user_model().objects.get(username="hana")
    assert not consents.current(user)[email.pk].agreed
