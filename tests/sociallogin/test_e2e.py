"""The flows in headless Chromium, against the sandbox OAuth server on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from sociallogin.models import ArchivedSocialAccount, ProviderSettings
from store.models import StoreSettings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

User = get_user_model()


@pytest.fixture
def naver(transactional_db: Any) -> ProviderSettings:
    row, _ = ProviderSettings.objects.update_or_create(
        provider="naver", defaults={"enabled": True, "client_id": "naver-shop", "secret": "nsec"}
    )
    return row


@pytest.fixture
def admin_page(page: Any, live_server: Any, transactional_db: Any) -> Any:
    User.objects.create_superuser("boss", "boss@example.com", "boss-pass-123")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "boss-pass-123")
    page.click("input[type=submit]")
    return page


def consent(page: Any, uid: str, email: str = "", *, cancel: bool = False) -> None:
    page.wait_for_selector('[data-testid="sandbox-uid"]')
    page.fill('[data-testid="sandbox-uid"]', uid)
    if email:
        page.fill('[data-testid="sandbox-email"]', email)
    page.click('[data-testid="sandbox-cancel"]' if cancel else '[data-testid="sandbox-agree"]')


def login_with(page: Any, live_server: Any, provider: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.click(f'button[data-provider="{provider}"]')


def test_admin_switches_a_provider_on(admin_page: Any, live_server: Any, use_sandbox: Any) -> None:
    page = admin_page
    page.goto(f"{live_server.url}/admin/sociallogin/providersettings/")
    fields = page.locator("#sl-fields-naver")
    assert fields.is_hidden()
    page.check("#id_naver-enabled")
    assert fields.is_visible()
    redirect_uri = page.inner_text('[data-testid="redirect-uri-naver"]')
    assert redirect_uri == f"{live_server.url}/accounts/naver/login/callback/"
    page.click('[data-testid="save"]')
    assert "Required to switch this provider on." in page.content()
    page.fill("#id_naver-client_id", "naver-shop")
    page.fill("#id_naver-secret", "naver-secret-value")
    page.click('[data-testid="save"]')
    assert "in effect now" in page.content()
    assert "naver-secret-value" not in page.content()
    # In effect at once: the shop's login page offers Naver, and it works.
    page.context.clear_cookies()
    login_with(page, live_server, "naver")
    consent(page, "n-100", "shopper@example.com")
    page.wait_for_url(f"{live_server.url}/**")
    assert SocialAccount.objects.filter(provider="naver", uid="n-100").exists()


def test_signup_asks_only_the_missing_required_field(
    page: Any, live_server: Any, naver: Any, use_sandbox: Any
) -> None:
    naver.signup_fields = {**naver.signup_fields, "phone": "required", "gender": "hidden"}
    naver.save()
    store = StoreSettings.load()
    store.welcome_points = 3000
    store.save()
    login_with(page, live_server, "naver")
    page.wait_for_selector('[data-testid="sandbox-name"]')
    page.fill('[data-testid="sandbox-name"]', "Kim Minji")
    consent(page, "n-200", "minji@example.com")
    page.wait_for_url("**/accounts/3rdparty/signup/")
    assert page.input_value('input[name="name"]') == "Kim Minji"  # pre-filled
    assert page.input_value('input[name="email"]') == "minji@example.com"
    assert page.locator('select[name="gender"]').count() == 0  # hidden for Naver
    page.fill('input[name="phone"]', "010-2222-3333")
    page.click('form button[type="submit"]')
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/account/")
    assert page.inner_text('[data-testid="points-balance"]') == "3,000"
    customer = User.objects.get(email="minji@example.com").customer
    assert (customer.join_channel, customer.phone) == ("naver", "010-2222-3333")


def test_age_restricted_store_offers_and_accepts_no_social_login(
    page: Any, live_server: Any, naver: Any, use_sandbox: Any
) -> None:
    store = StoreSettings.load()
    store.age_restricted = True
    store.save()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("button[data-provider]").count() == 0
    response = page.goto(f"{live_server.url}/accounts/naver/login/")
    assert response.status == 403
    assert "date of birth" in page.inner_text("main")


def test_deleted_account_cannot_join_again(
    page: Any, live_server: Any, naver: Any, use_sandbox: Any
) -> None:
    login_with(page, live_server, "naver")
    consent(page, "n-300", "gone@example.com")
    page.wait_for_url(f"{live_server.url}/**")
    page.goto(f"{live_server.url}/account/delete/")
    page.check('input[name="confirm"]')
    page.click('main form button[type="submit"]')
    page.wait_for_url(f"{live_server.url}/")
    login_with(page, live_server, "naver")
    consent(page, "n-300", "gone@example.com")
    page.wait_for_selector('[data-testid="social-deleted-account"]')
    assert "cannot join again" in page.inner_text("main")
    assert User.objects.filter(is_active=True).count() == 0


def test_client_id_change_archives_and_restores(
    admin_page: Any, browser: Any, live_server: Any, naver: Any, use_sandbox: Any
) -> None:
    shopper = browser.new_context(locale="en-US").new_page()
    shopper.goto(f"{live_server.url}/accounts/login/")
    shopper.click('button[data-provider="naver"]')
    consent(shopper, "n-400", "linked@example.com")
    shopper.wait_for_url(f"{live_server.url}/**")
    shopper.context.close()

    page = admin_page
    page.goto(f"{live_server.url}/admin/sociallogin/providersettings/")
    assert "1 customer linked" in page.inner_text('[data-testid="linked-naver"]')
    page.fill("#id_naver-client_id", "naver-new-app")
    page.click('[data-testid="save"]')
    assert "1 customer(s) joined with the current client ID" in page.content()
    page.check('[data-testid="confirm-naver"] input')
    page.click('[data-testid="save"]')
    assert "in effect now" in page.content()
    assert "0 customers linked" in page.inner_text('[data-testid="linked-naver"]')
    assert ArchivedSocialAccount.objects.get().client_id == "naver-shop"

    page.fill("#id_naver-client_id", "naver-shop")
    page.click('[data-testid="save"]')
    assert "1 customer linked" in page.inner_text('[data-testid="linked-naver"]')
    assert SocialAccount.objects.get().uid == "n-400"


def test_existing_account_is_linked_after_proof_of_ownership(
    page: Any, live_server: Any, use_sandbox: Any, transactional_db: Any
) -> None:
    from allauth.account.models import EmailAddress

    ProviderSettings.objects.update_or_create(
        provider="google", defaults={"enabled": True, "client_id": "g-shop", "secret": "gsec"}
    )
    owner = User.objects.create_user("owner", "owner@example.com", "owner-pass-123")
    EmailAddress.objects.create(user=owner, email="owner@example.com", verified=True, primary=True)
    login_with(page, live_server, "google")
    consent(page, "g-500", "owner@example.com")
    page.wait_for_selector('[data-testid="social-link"]')
    assert "ow•••@example.com" in page.inner_text("main")
    page.fill('input[name="pw-password"]', "wrong-password")
    page.click('[data-testid="link-password"] button')
    assert "This password is not right." in page.inner_text("main")
    assert not SocialAccount.objects.exists()
    page.fill('input[name="pw-password"]', "owner-pass-123")
    page.click('[data-testid="link-password"] button')
    page.wait_for_url(f"{live_server.url}/account/")
    assert SocialAccount.objects.get(provider="google").user == owner
    assert User.objects.count() == 1
