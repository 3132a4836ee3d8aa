"""django-oscar 4.2 as the host shop, in Chromium: Kakao Sync login on Oscar's login page,
checkout with the welcome voucher, the order in Oscar's dashboard, account deletion."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .host_shop import readme_recipe, settings_lines

pytestmark = [pytest.mark.e2e, pytest.mark.oscar]

PERSON = "1001"  # a Kakao account of the sandbox


def kakao_sync_login(page: Page, shop, person: str) -> None:
    page.goto(f"{shop.base_url}/accounts/login/")
    expect(page.locator("#login_form")).to_be_visible()  # Oscar's own login page
    page.get_by_test_id("host-social-login").locator("button[data-provider=kakao]").click()
    page.locator(f"input[name=person][value='{person}']").check()
    page.get_by_test_id("kakao-login").click()
    for tag in ("terms_of_service", "privacy_policy"):
        page.get_by_test_id(f"term-{tag}").check()
    page.get_by_test_id("kakao-agree").click()


def test_recipe_stays_within_fifteen_settings_lines() -> None:
    assert settings_lines(readme_recipe()["settings"]) <= 15


def test_kakao_customer_checks_out_with_welcome_voucher_then_deletes_account(
    page: Page, browser, oscar_shop
) -> None:
    base = oscar_shop.base_url
    kakao_sync_login(page, oscar_shop, PERSON)
    page.goto(f"{base}/accounts/profile/")
    expect(page.get_by_test_id("points-balance")).to_have_text("1000")
    code = page.get_by_test_id("welcome-voucher").inner_text()
    assert code.startswith("WELCOME-")

    page.goto(f"{base}/catalogue/onggi-mug_1/")
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.goto(f"{base}/basket/")
    page.locator("#voucher_form_link a, a#voucher_form_link").first.click()
    page.fill("#id_code", code)
    page.locator("#voucher_form button[type=submit]").click()
    expect(page.locator("#messages, .alert").first).to_contain_text(code)
    expect(page.locator("#basket_totals")).to_contain_text("21,000")

    page.get_by_role("link", name=re.compile("Proceed to checkout")).click()
    page.fill("#id_first_name", "Mina")
    page.fill("#id_last_name", "Kim")
    page.fill("#id_line1", "1 Sejong-daero")
    page.fill("#id_line4", "Seoul")
    page.fill("#id_postcode", "04524")
    page.select_option("#id_country", "KR")
    page.locator("#new_shipping_address button[type=submit]").click()
    page.locator("#view_preview").click()
    page.locator("#place-order").click()
    expect(page.locator("body")).to_contain_text("Your order has been placed")
    order_number = re.search(r"order number is\s+(\d+)", page.inner_text("body")).group(1)

    # The order, with the voucher's discount, in Oscar's dashboard.
    staff = browser.new_context(locale="en-US").new_page()
    staff.goto(f"{base}/accounts/login/")
    staff.fill("#id_login-username", "boss@example.com")
    staff.fill("#id_login-password", "Boss-pass-1234")
    staff.locator("#login_form button[type=submit]").click()
    staff.goto(f"{base}/dashboard/orders/{order_number}/")
    expect(staff.locator("body")).to_contain_text(code)
    expect(staff.locator("body")).to_contain_text("Mina")

    # A Kakao-only customer has no password: Oscar's profile page links to the plugin's
    # set-password and delete pages, which ask for none.
    page.goto(f"{base}/accounts/profile/")
    links = page.get_by_test_id("store-account-links")
    links.get_by_test_id("set-password").click()
    expect(page.locator("input[name=password1]")).to_be_visible()
    page.go_back()
    # Deleting the account keeps the order for the accounts, without personal data.
    links.get_by_test_id("delete-account").click()
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Delete my account").click()
    staff.reload()
    expect(staff.locator("body")).not_to_contain_text("Mina")
    expect(staff.locator("body")).not_to_contain_text("Sejong")
    erased = json.loads(oscar_shop.run_script("order_state.py").strip().splitlines()[-1])
    assert erased == {"addresses": 0, "guest_email": "", "line1": "", "first_name": ""}
    staff.context.close()


def test_oscar_registration_onboards_with_the_welcome_voucher(browser, oscar_shop) -> None:
    page = browser.new_context(locale="en-US").new_page()
    base = oscar_shop.base_url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_registration-email", "oscar-form@example.com")
    page.fill("#id_registration-password1", "Form-pass-1234")
    page.fill("#id_registration-password2", "Form-pass-1234")
    page.locator("button[name=registration_submit]").click()
    page.goto(f"{base}/accounts/profile/")
    expect(page.get_by_test_id("points-balance")).to_have_text("1000")
    assert page.get_by_test_id("welcome-voucher").inner_text().startswith("WELCOME-")
    # A customer with a password is not offered to set one.
    expect(page.get_by_test_id("set-password")).to_have_count(0)
    expect(page.get_by_test_id("delete-account")).to_be_visible()
    page.context.close()


def test_voucher_only_for_its_customer_merge_moves_oscar_data_and_checks_name_faults(
    oscar_shop,
) -> None:
    result = json.loads(oscar_shop.run_script("adapter_checks.py").strip().splitlines()[-1])
    assert result["owner_discount"] == "2400.00"  # 10 % of the 24,000 mug
    assert result["stranger_discount"] == "0.00"
    assert result["moved"] == {
        "oscar_orders": 0,
        "oscar_baskets": 1,
        "oscar_addresses": 1,
        "oscar_addresses_dropped": 1,
    }
    assert (result["owner_addresses"], result["owner_baskets"]) == (2, 2)
    assert result["welcome_vouchers"] == 1
    assert result["checks"] == []
    assert result["checks_default_adapter"] == ["store_oscar.W001"]
    assert result["checks_app_after_oscar"] == ["store_oscar.E002"]


# Oscar's account pages, by URL name: none may open for a user-ID session.
OSCAR_ACCOUNT_PAGES = {
    "customer:summary": "/accounts/",
    "customer:profile-view": "/accounts/profile/",
    "customer:order-list": "/accounts/orders/",
    "customer:address-list": "/accounts/addresses/",
}
PARTNER_USER = ("12345678", "user@example.com", "gamer-pass-123")  # the partner sandbox's


def oscar_password_login(page: Page, base: str, email: str, password: str, next_url: str = ""):
    """Oscar's own login form (``customer:login``); the answer to its POST."""
    page.goto(f"{base}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#login_form button[type=submit]").click()
    page.wait_for_load_state()
    return answer.value


def test_user_id_session_browses_oscar_catalogue_but_not_its_account_pages(
    browser, oscar_shop, partner_sandbox
) -> None:
    base = oscar_shop.base_url
    partner_id, email, password = PARTNER_USER
    # The partner's customer logs in once with the password (Oscar's login form asks the
    # partner): the shop now knows their e-mail, linked by server_custom_id.
    page = browser.new_context(locale="en-US").new_page()
    assert oscar_password_login(page, base, email, password).status == 302
    page.goto(f"{base}/accounts/profile/")
    expect(page.locator("body")).to_contain_text(email)
    page.context.close()

    page = browser.new_context(locale="en-US").new_page()
    page.goto(f"{base}/keymap/login/user-id/")
    page.fill("input[name=user_id]", partner_id)
    page.get_by_test_id("user-id-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/catalogue/")  # the shop's home: Oscar's home redirects there
    asked = [r for r in partner_sandbox.received if r["webhook"] == "user_validation"]
    assert asked[-1]["user_id"] == partner_id
    for path in ("/catalogue/", "/catalogue/onggi-mug_1/", "/search/?q=mug"):
        answer = page.goto(f"{base}{path}")
        assert answer is not None and answer.status == 200 and page.url == f"{base}{path}"
    page.goto(f"{base}/catalogue/onggi-mug_1/")
    expect(page.locator("h1")).to_have_text("Onggi Mug")
    expect(page.locator("body")).not_to_contain_text(email)
    for name, path in OSCAR_ACCOUNT_PAGES.items():
        answer = page.goto(f"{base}{path}")
        assert answer is not None and answer.ok, name
        assert page.url.startswith(f"{base}/keymap/login/stronger/"), (name, page.url)
        expect(page.get_by_test_id("stronger-login")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text(email)
    page.context.close()


KAKAOTALK_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.3.1"
)
JOINER_EXISTS = (
    "from django.contrib.auth import get_user_model; "
    "print(get_user_model().objects.filter(email='inapp-joiner@example.com').exists())"
)


def post_in_page(page: Page, url: str, form: dict[str, str]):
    """POST ``form`` to ``url`` in the page's browser context (its cookies and User-Agent),
    as a form of that page would; the answer, not followed."""
    page.goto(url)  # the page sets the CSRF cookie
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(
        url, form={"csrfmiddlewaretoken": token, **form}, headers={"Referer": url}, max_redirects=0
    )


def test_inside_kakaotalk_oscar_password_login_is_refused(browser, oscar_shop) -> None:
    base = oscar_shop.base_url
    email, password = "kakaotalk-shopper@example.com", "Shopper-pass-1234"
    ordinary = browser.new_context(locale="en-US").new_page()
    ordinary.goto(f"{base}/accounts/login/")
    ordinary.fill("#id_registration-email", email)
    ordinary.fill("#id_registration-password1", password)
    ordinary.fill("#id_registration-password2", password)
    ordinary.locator("button[name=registration_submit]").click()
    ordinary.context.clear_cookies()

    # Inside KakaoTalk Oscar's login page is the Kakao-only page (test_oscar_views.py);
    # a password POSTed to it anyway is refused.
    inapp = browser.new_context(locale="en-US", user_agent=KAKAOTALK_UA).new_page()
    login = {"login-username": email, "login-password": password, "login_submit": "Log In"}
    answer = post_in_page(inapp, f"{base}/accounts/login/", login)
    assert answer.status == 403
    assert 'data-testid="kakao-only-refusal"' in answer.text()
    inapp.goto(f"{base}/accounts/profile/")
    assert inapp.url.startswith(f"{base}/accounts/login/"), inapp.url  # not logged in
    expect(inapp.get_by_test_id("kakao-only")).to_be_visible()
    expect(inapp.locator("body")).not_to_contain_text(email)
    # Oscar's registration form is refused the same way, before Oscar's view runs.
    joined = post_in_page(
        inapp,
        f"{base}/accounts/login/",
        {
            "registration-email": "inapp-joiner@example.com",
            "registration-password1": password,
            "registration-password2": password,
            "registration_submit": "Register",
        },
    )
    assert joined.status == 403
    assert 'data-testid="kakao-only"' in joined.text()
    assert oscar_shop.manage("shell", "-c", JOINER_EXISTS).strip().splitlines()[-1] == "False"

    # The same login in an ordinary browser works.
    assert oscar_password_login(ordinary, base, email, password).status == 302
    ordinary.goto(f"{base}/accounts/profile/")
    expect(ordinary.locator("body")).to_contain_text(email)

    # Staff: Oscar's dashboard sends them to Oscar's login page, where the password is
    # refused inside KakaoTalk as anyone's; the admin's login page lets staff in, and the
    # session opens Oscar's dashboard.
    staff = {"login-username": "boss@example.com", "login-password": "Boss-pass-1234"}
    answer = post_in_page(
        inapp, f"{base}/accounts/login/?next=/dashboard/", {**staff, "login_submit": "Log In"}
    )
    assert answer.status == 403
    inapp.goto(f"{base}/admin/login/?next=/dashboard/")
    inapp.fill("#id_username", "boss")
    inapp.fill("#id_password", "Boss-pass-1234")
    inapp.locator("#login-form [type=submit]").click()
    inapp.wait_for_url(f"{base}/dashboard/")
    expect(inapp.locator("body")).to_contain_text("Dashboard")
    inapp.context.close()
    ordinary.context.close()
