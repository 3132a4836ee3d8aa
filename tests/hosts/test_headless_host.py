"""The host matrix's ``HEADLESS_ONLY`` shop (``shops.HEADLESS_HOSTS``): the plain recipe and
the README's headless blocks, no allauth HTML page, the same promises as the other hosts
through allauth headless's browser API, played by ``HeadlessShopper`` over HTTP against the
host's ``runserver`` with its own Kakao and partner sandboxes."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from .headless_shopper import BROWSER, CALLBACK, HeadlessShopper, query
from .shopper import KAKAOTALK_UA
from .shops import Host
from .test_promises import (
    OTHER_PARTNER_USER,
    PARTNER_USER,
    UNAVAILABLE,
    WELCOME_POINTS,
    customer,
    new_email,
    welcome,
)

pytestmark = [pytest.mark.hosts]


def errors_of(resp: requests.Response) -> list[dict[str, Any]]:
    """allauth headless's error shape: ``{"status": 4xx, "errors": [{"code", ...}]}``."""
    body = resp.json()
    assert body["status"] == resp.status_code, body
    return list(body["errors"])


def test_headless_first_check_gives_no_warning(headless_host: Host) -> None:
    assert headless_host.first_check.strip() == "System check identified no issues (0 silenced).", (
        headless_host.first_check
    )


def test_headless_project_has_no_allauth_html_pages(headless_host: Host) -> None:
    shopper = HeadlessShopper.new(headless_host)
    assert shopper.get("/accounts/login/", allow_redirects=False).status_code == 404
    assert shopper.get(f"{BROWSER}/config").json()["data"]["account"]


def test_headless_kakao_sync_signup_asks_the_terms_and_welcomes_once(
    headless_host: Host,
) -> None:
    shopper = HeadlessShopper.new(headless_host)
    person = shopper.kakao_account()
    before = headless_host.counts()
    landed = shopper.kakao_login()
    # Kakao Sync's terms are asked on the headless redirect (store.json's tags).
    asked = query(shopper.last_authorize).get("service_terms", "")
    assert asked.split(",") == ["terms_of_service", "privacy_policy", "marketing"], asked
    assert landed.status_code == 302 and landed.headers["Location"] == CALLBACK, (
        landed.status_code,
        landed.headers.get("Location"),
    )
    session = shopper.session().json()
    assert session["meta"]["is_authenticated"] is True
    points, gift = welcome(headless_host, shopper.account_page().text)
    assert points == WELCOME_POINTS and gift, (points, gift)
    assert headless_host.counts()["users"] == before["users"] + 1

    # The same Kakao account from another browser: logged in, welcomed no second time.
    again = HeadlessShopper.new(headless_host)
    again.kakao_as(person)
    assert again.kakao_login().headers["Location"] == CALLBACK
    assert welcome(headless_host, again.account_page().text) == (points, gift)
    assert headless_host.counts()["users"] == before["users"] + 1


def test_headless_partner_password_login_and_user_id_login_by_strength(
    headless_host: Host,
) -> None:
    partner_id, email, password = PARTNER_USER
    strong = HeadlessShopper.new(headless_host)
    answer = strong.password_login(email, password)
    assert answer.status_code == 200, answer.text[:1000]
    assert answer.json()["data"]["user"]["email"] == email
    assert headless_host.partner.received[-1]["webhook"] == "user_authentication"
    assert strong.identity().json()["data"]["user"]["email"] == email

    weak = HeadlessShopper.new(headless_host)
    answer = weak.user_id_login(partner_id)
    assert answer.status_code == 200, answer.text[:1000]
    assert email not in answer.text
    assert headless_host.partner.received[-1]["webhook"] == "user_validation"
    # Its limits: allauth headless's endpoints refuse the weak session with a JSON 403.
    for refused in (weak.session(), weak.api("GET", f"{BROWSER}/account/email")):
        assert refused.status_code == 403, (refused.status_code, refused.text[:500])
        assert errors_of(refused)[0]["code"] == "login_too_weak"
        assert email not in refused.text
    # The shop's own pages send it to the stronger-login page, which links to the front end.
    page = weak.get(headless_host.account_path, allow_redirects=False)
    assert page.status_code == 302 and "/keymap/login/stronger/" in page.headers["Location"]
    stronger = weak.get(page.headers["Location"])
    assert stronger.status_code == 200 and 'href="/app/login' in stronger.text
    assert email not in stronger.text
    # Logging out is one of the ways out.
    assert weak.api("DELETE", f"{BROWSER}/auth/session").status_code == 401
    assert weak.user_id_login(partner_id).status_code == 200


def test_headless_inside_kakaotalk_only_kakao_logs_in_and_nothing_is_written(
    headless_host: Host,
) -> None:
    email, password = new_email("inapp"), "Inapp-pass-1234"
    login = customer(headless_host, email, password)
    inapp = HeadlessShopper.new(headless_host, user_agent=KAKAOTALK_UA)
    calls = len(headless_host.partner.received)
    before = headless_host.counts()
    refused = inapp.password_login(login, password)
    assert refused.status_code == 403, (refused.status_code, refused.text[:500])
    assert errors_of(refused)[0]["code"] == "kakao_only"
    signup = inapp.api(
        "POST",
        f"{BROWSER}/auth/signup",
        {"email": new_email("inapp-new"), "username": "inapp-new", "password": "Pw-12345678x"},
    )
    assert signup.status_code == 403, (signup.status_code, signup.text[:500])
    assert errors_of(signup)[0]["code"] == "kakao_only"
    assert not inapp.logged_in()
    assert headless_host.counts() == before
    assert len(headless_host.partner.received) == calls  # the partner was not asked
    # The Kakao login works there.
    inapp.kakao_account()
    assert inapp.kakao_login().headers["Location"] == CALLBACK
    assert inapp.logged_in()
    # The same password login in an ordinary browser works.
    ordinary = HeadlessShopper.new(headless_host)
    assert ordinary.password_login(login, password).status_code == 200
    assert ordinary.logged_in()


def test_headless_partner_outage_is_a_json_error_and_writes_nothing(headless_host: Host) -> None:
    _partner_id, email, password = OTHER_PARTNER_USER
    before = headless_host.counts(email)
    faults = f"{headless_host.partner.base_url}/sandbox/faults"
    requests.post(faults, json={"mode": "error"}, timeout=5).raise_for_status()
    try:
        shopper = HeadlessShopper.new(headless_host)
        answer = shopper.password_login(email, password)
        assert answer.status_code == 400, (answer.status_code, answer.text[:1000])
        (error,) = errors_of(answer)
        assert error["code"] == "partner_unavailable", error
        assert error["message"].startswith(UNAVAILABLE), error
        assert not shopper.logged_in()
    finally:
        requests.post(faults, json={"mode": "none"}, timeout=5).raise_for_status()
    assert headless_host.counts(email) == before


def test_headless_deletion_leaves_a_tombstone_and_rejoining_gets_no_second_welcome(
    headless_host: Host,
) -> None:
    """allauth headless has no account deletion; the shop's deletion page (``store.urls``)
    is what a headless shop has: the front end links to it, the session cookie carries."""
    shopper = HeadlessShopper.new(headless_host)
    person = shopper.kakao_account()
    assert shopper.kakao_login().headers["Location"] == CALLBACK
    assert welcome(headless_host, shopper.account_page().text)[0] == WELCOME_POINTS
    before = headless_host.counts()
    gone = shopper.delete_account()
    assert gone.status_code == 200, gone.text[:1000]
    assert not shopper.logged_in()
    after = headless_host.counts()
    assert after["tombstones"] == before["tombstones"] + 1
    assert person not in headless_host.kakao.state.links  # unlinked at Kakao

    # The store's default rule: that Kakao account does not join again, told on the callback.
    refused = shopper.kakao_login()
    assert refused.status_code == 302, refused.status_code
    assert query(refused.headers["Location"]).get("error") == "deleted_account", refused.headers
    assert not shopper.logged_in()
    assert headless_host.counts()["users"] == after["users"]

    # With a cool-down of 0 days it joins again, without the welcome benefits.
    headless_host.script("rejoin_after_days.py", REJOIN_DAYS="0")
    try:
        assert shopper.kakao_login().headers["Location"] == CALLBACK
        points, gift = welcome(headless_host, shopper.account_page().text)
        assert points in ("0", None) and gift is None, (points, gift)
    finally:
        headless_host.script("rejoin_after_days.py", REJOIN_DAYS="")


def test_headless_deletion_page_sends_a_logged_out_visitor_to_the_front_end(
    headless_host: Host,
) -> None:
    resp = HeadlessShopper.new(headless_host).get("/account/delete/", allow_redirects=False)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/app/login?next="), resp.headers["Location"]


def test_headless_kakao_security_event_ends_the_customers_sessions(headless_host: Host) -> None:
    phone, laptop = HeadlessShopper.new(headless_host), HeadlessShopper.new(headless_host)
    person = phone.kakao_account()
    assert phone.kakao_login().headers["Location"] == CALLBACK
    laptop.kakao_as(person)
    assert laptop.kakao_login().headers["Location"] == CALLBACK
    bystander = HeadlessShopper.new(headless_host)
    bystander.kakao_account()
    assert bystander.kakao_login().headers["Location"] == CALLBACK
    assert phone.logged_in() and laptop.logged_in() and bystander.logged_in()

    status, body, _token = headless_host.kakao.send_security_event(person, "sessions-revoked")
    assert status == 202, (status, body)
    assert phone.session().status_code == 401 and laptop.session().status_code == 401
    assert bystander.logged_in()
