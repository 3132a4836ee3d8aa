"""Promises of the proof of ownership before a social login joins an existing account.

- An account whose address was never verified is not offered for linking by that address
  (what a code proving such an address ends, through the KakaoTalk claim: test_takeover.py).
- A verified account proven by code keeps its password.
- The held login keeps no refresh token and no readable access token, and disappears
  when the proof ends or after ``PENDING_TTL``.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from sociallogin import ownership as linking
from sociallogin.models import ProviderSettings
from tests.sociallogin.conftest import KAKAO_TOKEN_URL, KAKAO_USER_URL, kakao_user, social_login

User = get_user_model()
ACCESS_TOKEN = "at-secret-token-0123"
REFRESH_TOKEN = "rt-secret-token-4567"


@pytest.fixture
def kakao(db: Any) -> None:
    ProviderSettings.objects.update_or_create(
        provider="kakao",
        defaults={"enabled": True, "client_id": "kakao-client", "secret": "kakao-secret"},
    )


@pytest.fixture
def kakao_answers() -> Any:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.POST,
            KAKAO_TOKEN_URL,
            json={
                "access_token": ACCESS_TOKEN,
                "refresh_token": REFRESH_TOKEN,
                "token_type": "bearer",
                "expires_in": 3600,
            },
        )
        rsps.add(responses.GET, KAKAO_USER_URL, json=kakao_user(email="victim@example.com"))
        yield rsps


def _prove_by_code(client: Client) -> Any:
    client.post("/sociallogin/link/", {"action": "send_code"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    return client.post("/sociallogin/link/", {"action": "code", "code-code": code})


def _owner() -> Any:
    owner = User.objects.create_user("owner", "victim@example.com", "owner-pw")
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    return owner


def test_an_unverified_address_offers_its_account_to_nobody(kakao: Any, kakao_answers: Any) -> None:
    attacker_account = User.objects.create_user("attacker", "victim@example.com", "attacker-pw")
    attacker = Client()
    assert attacker.login(username="attacker", password="attacker-pw")

    victim = Client()
    assert social_login(victim).get("Location") != "/sociallogin/link/"
    assert linking.SESSION_KEY not in victim.session
    assert not SocialAccount.objects.filter(user=attacker_account).exists()
    attacker_account.refresh_from_db()
    assert attacker_account.check_password("attacker-pw")  # nobody proved anything
    assert not mail.outbox


def test_proving_a_verified_address_by_code_keeps_the_password(
    kakao: Any, kakao_answers: Any
) -> None:
    owner = _owner()
    client = Client()
    social_login(client)
    page = client.get("/sociallogin/link/").content.decode()
    assert 'data-testid="link-takeover-note"' not in page
    assert _prove_by_code(client).status_code == 302
    owner.refresh_from_db()
    assert owner.has_usable_password()
    assert SocialAccount.objects.get().user == owner


def test_password_proof_changes_nothing_of_the_account(kakao: Any, kakao_answers: Any) -> None:
    owner = _owner()
    client = Client()
    assert social_login(client)["Location"] == "/sociallogin/link/"
    ok = client.post("/sociallogin/link/", {"action": "password", "pw-password": "owner-pw"})
    assert ok.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("owner-pw")


def _session_text(client: Client) -> str:
    store = client.session
    return store.encode(store.load())  # type: ignore[attr-defined, no-any-return]


def _all_forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]


def test_a_held_login_keeps_no_provider_token_readable_in_the_session(
    kakao: Any, kakao_answers: Any
) -> None:
    _owner()
    client = Client()
    assert social_login(client)["Location"] == "/sociallogin/link/"
    held = client.session[linking.SESSION_KEY]
    import json

    text = json.dumps(held) + _session_text(client)
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN):
        for form in _all_forms(secret):
            assert form not in text
    login = linking.pending_login(held)
    assert login is not None and login.token.token == ACCESS_TOKEN  # Kakao Sync needs it
    assert not login.token.token_secret  # the refresh token was never kept


def test_a_held_login_is_dropped_when_the_proof_ends(kakao: Any, kakao_answers: Any) -> None:
    _owner()
    client = Client()
    assert social_login(client)["Location"] == "/sociallogin/link/"
    client.post("/sociallogin/link/cancel/")
    assert linking.SESSION_KEY not in client.session


def test_a_held_login_expires_whatever_the_session_age(
    kakao: Any, kakao_answers: Any, monkeypatch: Any
) -> None:
    _owner()
    client = Client()
    assert social_login(client)["Location"] == "/sociallogin/link/"
    import time

    later = time.time() + linking.PENDING_TTL + 1
    monkeypatch.setattr(linking.time, "time", lambda: later)
    resp = client.post("/sociallogin/link/", {"action": "password", "pw-password": "owner-pw"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/"
    assert not SocialAccount.objects.exists()
    assert linking.SESSION_KEY not in client.session
