"""Oscar's own views keep the store's promises (issue 18, item 3): Oscar's "Delete profile"
runs the plugin's deletion; a user-ID session has no basket of the customer's; inside
KakaoTalk Oscar's login and registration pages offer Kakao only; one message during a partner
outage; partner customers log in with their store ID on Oscar's login page."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from .test_oscar_shop import KAKAOTALK_UA, kakao_sync_login

pytestmark = [pytest.mark.e2e, pytest.mark.oscar]

PARTNER_ID, PARTNER_STORE_ID, PARTNER_EMAIL, PARTNER_PASSWORD = (
    "12345678",
    "gamer123",
    "user@example.com",
    "gamer-pass-123",
)
MUG = "/catalogue/onggi-mug_1/"


def script(shop: Any, name: str, **env: str) -> dict[str, Any]:
    """One of host_project/'s scripts, with ``env`` added; its last line as JSON."""
    with_env = dataclasses.replace(shop, env={**shop.env, **env})
    return json.loads(with_env.run_script(name).strip().splitlines()[-1])


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code in (200, 403), page.status_code
    return session.cookies["csrftoken"]


def post(
    session: requests.Session, url: str, data: dict[str, str], form_page: str = ""
) -> requests.Response:
    """POST ``data`` as the form on ``form_page`` (default: ``url``) would."""
    token = csrf(session, form_page or url)
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token, **data},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=30,
    )


def oscar_login(session: requests.Session, base: str, login: str, password: str):
    return post(
        session,
        f"{base}/accounts/login/",
        {"login-username": login, "login-password": password, "login_submit": "Log In"},
    )


def add_mug(session: requests.Session, base: str, quantity: int) -> None:
    page = session.get(f"{base}{MUG}", timeout=30).text
    action = re.search(r'id="add_to_basket_form"[^>]*action="([^"]+)"', page)
    if action is None:
        action = re.search(r'action="([^"]+)"[^>]*id="add_to_basket_form"', page)
    assert action is not None, "no add-to-basket form on the product page"
    answer = post(session, f"{base}{action.group(1)}", {"quantity": str(quantity)}, f"{base}{MUG}")
    assert answer.status_code == 302, answer.status_code


def mini_basket(page_html: str) -> str:
    header = r'class="basket-mini[^>]*>\s*<strong>[^<]*</strong>(.*?)<div'
    match = re.search(header, page_html, re.S)
    assert match is not None, "no mini basket in Oscar's header"
    return " ".join(match.group(1).split())


# --- 1. Oscar's "Delete profile" is the plugin's deletion -------------------------------


def test_oscar_delete_profile_runs_the_plugins_deletion_and_no_second_welcome(
    browser: Any, oscar_shop: Any, kakao_sandbox: Any
) -> None:
    base = oscar_shop.base_url
    page: Page = browser.new_context(locale="en-US").new_page()
    kakao_sync_login(page, oscar_shop, "1002")
    page.goto(f"{base}/accounts/profile/")
    code = page.get_by_test_id("welcome-voucher").inner_text()
    email = page.locator("body").inner_text()
    email = re.search(r"[\w.+-]+@[\w.-]+", email).group(0)  # type: ignore[union-attr]
    # Oscar's "Delete profile" asks for a password: the Kakao customer sets one first.
    page.get_by_test_id("set-password").click()
    page.fill("input[name=password1]", "Kakao-pass-1234")
    page.fill("input[name=password2]", "Kakao-pass-1234")
    page.locator("form button[type=submit]").last.click()
    assert 1002 in kakao_sandbox.state.links
    before = script(oscar_shop, "account_state.py", STATE_EMAIL=email, STATE_CODE=code)
    assert (before["users"], before["vouchers"], before["offers"]) == (1, 1, 1)

    page.goto(f"{base}/accounts/profile/delete/")  # Oscar's own view
    page.fill("#id_password", "Kakao-pass-1234")
    page.locator("#delete_profile_form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Your profile has now been deleted")
    after = script(oscar_shop, "account_state.py", STATE_EMAIL=email, STATE_CODE=code)
    assert after == {
        "users": 0,
        "deletions": before["deletions"] + 1,
        "tombstones": before["tombstones"] + 1,
        "vouchers": 0,  # the unused welcome voucher, and its offer, removed
        "offers": 0,
    }
    assert 1002 not in kakao_sandbox.state.links  # unlinked at Kakao after the commit

    page.context.close()

    # The same Kakao account comes back (a new browser): refused, no second welcome.
    page = browser.new_context(locale="en-US").new_page()
    kakao_sync_login(page, oscar_shop, "1002")
    expect(page.get_by_test_id("social-deleted-account")).to_be_visible()
    again = script(oscar_shop, "account_state.py", STATE_EMAIL=email, STATE_CODE=code)
    assert again["users"] == 0
    page.context.close()


# --- 2. A user-ID session has no basket of the customer's -------------------------------


def test_user_id_session_neither_shows_nor_merges_the_customers_basket(oscar_shop: Any) -> None:
    base = oscar_shop.base_url
    customer = requests.Session()
    assert oscar_login(customer, base, PARTNER_EMAIL, PARTNER_PASSWORD).status_code == 302
    already = script(oscar_shop, "baskets.py", BASKET_EMAIL=PARTNER_EMAIL)["customer"]
    add_mug(customer, base, 2)
    assert "48,000" in mini_basket(customer.get(f"{base}/catalogue/", timeout=30).text)

    shopper = requests.Session()
    add_mug(shopper, base, 1)  # anonymous
    anonymous = script(oscar_shop, "baskets.py", BASKET_EMAIL=PARTNER_EMAIL)["anonymous"]
    login = post(shopper, f"{base}/keymap/login/user-id/", {"user_id": PARTNER_ID})
    assert login.status_code == 302
    for path in ("/catalogue/", MUG):
        header = mini_basket(shopper.get(f"{base}{path}", timeout=30).text)
        assert "48,000" not in header and "72,000" not in header, header
        assert "24,000" in header, header  # the session's own basket
    counts = script(oscar_shop, "baskets.py", BASKET_EMAIL=PARTNER_EMAIL)
    assert counts == {"customer": already + 2, "anonymous": anonymous}  # nothing merged


# --- 3. Inside KakaoTalk: Kakao only on Oscar's pages -----------------------------------


def server_log(shop: Any) -> str:
    return (Path(shop.project).parent / "server.log").read_text(errors="replace")


def test_inside_kakaotalk_oscar_login_and_registration_offer_kakao_only(
    oscar_shop: Any,
) -> None:
    base = oscar_shop.base_url
    inapp = requests.Session()
    inapp.headers["User-Agent"] = KAKAOTALK_UA
    for path in ("/accounts/login/", "/accounts/register/"):
        page = inapp.get(f"{base}{path}", timeout=30)
        assert page.status_code == 200, path
        assert 'data-testid="kakao-only"' in page.text, path
        assert 'data-testid="kakao-only-login"' in page.text, path  # the Kakao button
        for field in ("id_login-username", "id_login-password", "id_registration-email"):
            assert field not in page.text, (path, field)
        assert 'name="password' not in page.text, path

    email = "inapp-register@example.com"
    joined = post(
        inapp,
        f"{base}/accounts/register/",
        {"email": email, "password1": "Joiner-pass-1234", "password2": "Joiner-pass-1234"},
    )
    assert joined.status_code == 403
    assert 'data-testid="kakao-only-refusal"' in joined.text
    on_login_page = post(
        inapp,
        f"{base}/accounts/login/",
        {
            "registration-email": email,
            "registration-password1": "Joiner-pass-1234",
            "registration-password2": "Joiner-pass-1234",
            "registration_submit": "Register",
        },
    )
    assert on_login_page.status_code == 403
    state = script(oscar_shop, "account_state.py", STATE_EMAIL=email, STATE_CODE="-")
    assert state["users"] == 0
    assert email not in server_log(oscar_shop)  # no "thanks for registering" mail

    # An ordinary browser still gets Oscar's forms.
    ordinary = requests.get(f"{base}/accounts/login/", timeout=30).text
    assert "id_login-username" in ordinary and "id_registration-email" in ordinary


# --- 4. One message during a partner outage ---------------------------------------------


def test_partner_outage_is_one_message_on_oscars_login_page(
    oscar_shop: Any, partner_sandbox: Any
) -> None:
    base = oscar_shop.base_url
    session = requests.Session()
    partner_sandbox.faults.mode = "error"
    try:
        answer = oscar_login(session, base, PARTNER_EMAIL, PARTNER_PASSWORD)
    finally:
        partner_sandbox.faults.mode = "none"
    assert answer.status_code == 200
    assert answer.text.count("The login service is unavailable") == 1
    assert "Please enter a correct" not in answer.text
    # Back up: the same login works.
    assert oscar_login(session, base, PARTNER_EMAIL, PARTNER_PASSWORD).status_code == 302


# --- 5. Partner customers log in with their store ID ------------------------------------


def test_partner_customer_logs_in_with_store_id_on_oscars_login_page(
    browser: Any, oscar_shop: Any
) -> None:
    base = oscar_shop.base_url
    page: Page = browser.new_context(locale="en-US").new_page()
    page.goto(f"{base}/accounts/login/")
    field = page.locator("#id_login-username")
    expect(field).not_to_have_attribute("type", "email")  # the browser lets a store ID in
    field.fill(PARTNER_STORE_ID)
    page.fill("#id_login-password", PARTNER_PASSWORD)
    page.locator("#login_form button[type=submit]").click()
    page.goto(f"{base}/accounts/profile/")
    assert page.url == f"{base}/accounts/profile/", page.url
    expect(page.locator("body")).to_contain_text(PARTNER_EMAIL)
    page.context.close()

    wrong = oscar_login(requests.Session(), base, PARTNER_STORE_ID, "not-the-password")
    assert wrong.status_code == 200 and "Please enter a correct" in wrong.text


def test_store_middleware_before_oscars_basket_middleware_is_an_error(oscar_shop: Any) -> None:
    ids = script(oscar_shop, "middleware_check.py")
    assert ids == {"recipe": [], "store_first": ["store_oscar.E003"]}
