"""The same promises on every host of the matrix, over HTTP: a shopper's browser as a
``requests`` session against the host's ``runserver``, Kakao's side played by the Kakao
sandbox and the partner's by the partner sandbox, both on loopback."""

from __future__ import annotations

import uuid

import pytest
import requests

from .shopper import KAKAOTALK_UA, Shopper, text_of
from .shops import Host

pytestmark = [pytest.mark.hosts]

PARTNER_USER = ("12345678", "user@example.com", "gamer-pass-123")  # the partner sandbox's
OTHER_PARTNER_USER = ("87654321", "minji@example.com", "minji-pass-123")
UNAVAILABLE = "The login service is unavailable at the moment."
WELCOME_POINTS = "1000"  # host_project/store.json (tests/oscar)


def welcome(host: Host, page: str) -> tuple[str | None, str | None]:
    """(points balance, welcome gift) on the account page: the built-in shop counts coupons,
    Oscar shows the welcome voucher's code."""
    points = text_of(page, "points-balance")
    points = points.replace(",", "") if points is not None else None
    if host.name == "oscar":
        gift = text_of(page, "welcome-voucher")
        return points, gift if gift and gift.startswith("WELCOME-") else None
    count = text_of(page, "coupon-count")
    return points, count if count not in (None, "0") else None


def customer(host: Host, email: str, password: str) -> str:
    """A customer who joined earlier and confirmed the address; what they log in with on the
    host's login page (allauth logs in by user name on Django's default user model, Oscar's
    form by e-mail)."""
    login = host.script("create_customer.py", CUSTOMER_EMAIL=email, CUSTOMER_PASSWORD=password)
    return email if host.name == "oscar" else login


def new_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}@example.com"


def test_kakao_sync_signup_grants_the_welcome_benefits_once(host: Host, shopper: Shopper) -> None:
    person = shopper.kakao_account()
    landed = shopper.kakao_login()
    assert landed.status_code == 200, landed.text[:1000]
    page = shopper.account_page().text
    points, gift = welcome(host, page)
    assert points == WELCOME_POINTS and gift, (points, gift)

    # Logging in again (another browser, the same Kakao account) welcomes no one.
    again = Shopper.new(host)
    again.kakao_as(person)
    assert again.kakao_login().status_code == 200
    assert welcome(host, again.account_page().text) == (points, gift)


def test_kakao_account_links_to_the_customer_with_its_verified_email(
    host: Host, shopper: Shopper
) -> None:
    email, password = new_email("linker"), "Linker-pass-1234"
    customer(host, email, password)
    before = host.counts(email)
    shopper.kakao_account(email)  # Kakao vouches for the address (verified at Kakao)
    proof = shopper.kakao_login()
    assert proof.status_code == 200 and "/sociallogin/link/" in proof.url, proof.url
    assert text_of(proof.text, "social-link") is not None or "link-password" in proof.text
    assert not shopper.logged_in()  # nothing linked before the proof
    wrong = shopper.post_form(
        "/sociallogin/link/", {"action": "password", "pw-password": "not-it"}, page=proof.text
    )
    assert wrong.status_code == 200 and not shopper.logged_in()
    linked = shopper.post_form(
        "/sociallogin/link/", {"action": "password", "pw-password": password}, page=wrong.text
    )
    assert linked.status_code == 302, linked.text[:1000]
    assert shopper.logged_in()
    assert email in shopper.identity().text
    after = host.counts(email)
    assert (after["users"], after["with_email"]) == (before["users"], 1)


def test_partner_password_login_and_user_id_login_by_strength(host: Host) -> None:
    partner_id, email, password = PARTNER_USER
    strong = Shopper.new(host)
    answer = strong.password_login(email, password)
    assert answer.status_code == 302, answer.text[:1000]
    assert strong.logged_in()
    assert email in strong.identity().text
    assert host.partner.received[-1]["webhook"] == "user_authentication"

    weak = Shopper.new(host)
    answer = weak.user_id_login(partner_id)
    assert answer.status_code == 302, answer.text[:1000]
    assert host.partner.received[-1]["webhook"] == "user_validation"
    refused = weak.account_page()
    assert "/keymap/login/stronger/" in refused.url, refused.url
    assert text_of(refused.text, "stronger-login") is not None
    assert email not in refused.text
    identity = weak.identity()
    assert email not in identity.text and "/keymap/login/stronger/" in identity.url


def test_inside_kakaotalk_only_kakao_logs_in(host: Host) -> None:
    email, password = new_email("inapp"), "Inapp-pass-1234"
    login = customer(host, email, password)
    inapp = Shopper.new(host, user_agent=KAKAOTALK_UA)
    refused = inapp.password_login(login, password)
    assert refused.status_code == 403, refused.status_code
    assert text_of(refused.text, "kakao-only") is not None
    assert not inapp.logged_in()
    # The Kakao login works there.
    inapp.kakao_account()
    assert inapp.kakao_login().status_code == 200
    assert inapp.logged_in()
    # The same password login in an ordinary browser works.
    ordinary = Shopper.new(host)
    assert ordinary.password_login(login, password).status_code == 302
    assert ordinary.logged_in()


def test_partner_outage_is_a_clear_message_and_writes_nothing(host: Host) -> None:
    _partner_id, email, password = OTHER_PARTNER_USER
    before = host.counts(email)
    faults = f"{host.partner.base_url}/sandbox/faults"
    requests.post(faults, json={"mode": "error"}, timeout=5).raise_for_status()
    try:
        shopper = Shopper.new(host)
        answer = shopper.password_login(email, password)
        assert answer.status_code == 200, (answer.status_code, answer.text[:1000])
        assert UNAVAILABLE in answer.text
        assert not shopper.logged_in()
    finally:
        requests.post(faults, json={"mode": "none"}, timeout=5).raise_for_status()
    assert host.counts(email) == before


def test_deletion_leaves_a_tombstone_and_rejoining_gets_no_second_welcome(host: Host) -> None:
    shopper = Shopper.new(host)
    person = shopper.kakao_account()
    assert shopper.kakao_login().status_code == 200
    assert welcome(host, shopper.account_page().text)[0] == WELCOME_POINTS
    before = host.counts()
    gone = shopper.delete_account()
    assert gone.status_code == 200, gone.text[:1000]
    assert not shopper.logged_in()
    after = host.counts()
    assert after["tombstones"] == before["tombstones"] + 1
    assert person not in host.kakao.state.links  # unlinked at Kakao

    # The store's default rule: that Kakao account does not join again.
    refused = shopper.kakao_login()
    assert "was deleted" in refused.text, (refused.status_code, refused.url)
    assert not shopper.logged_in()
    assert host.counts()["users"] == after["users"]

    # With a cool-down of 0 days it joins again, without the welcome benefits.
    host.script("rejoin_after_days.py", REJOIN_DAYS="0")
    try:
        assert shopper.kakao_login().status_code == 200
        points, gift = welcome(host, shopper.account_page().text)
        assert points in ("0", None) and gift is None, (points, gift)
    finally:
        host.script("rejoin_after_days.py", REJOIN_DAYS="")


def test_kakao_security_event_ends_the_customers_sessions(host: Host) -> None:
    phone, laptop = Shopper.new(host), Shopper.new(host)
    person = phone.kakao_account()
    assert phone.kakao_login().status_code == 200
    laptop.kakao_as(person)
    assert laptop.kakao_login().status_code == 200
    bystander = Shopper.new(host)
    bystander.kakao_account()
    assert bystander.kakao_login().status_code == 200
    assert phone.logged_in() and laptop.logged_in() and bystander.logged_in()

    status, body, _token = host.kakao.send_security_event(person, "sessions-revoked")
    assert status == 202, (status, body)
    assert not phone.logged_in() and not laptop.logged_in()
    assert bystander.logged_in()
