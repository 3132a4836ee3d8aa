"""Promises of the proof of ownership before a social login joins an existing account.

- A code that proves a never-verified address hands the account to the address's owner:
  the password whoever registered it chose no longer opens it, and their sessions end.
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


def test_proving_an_unverified_address_by_code_locks_out_whoever_registered_it(
    kakao: Any, kakao_answers: Any
) -> None:
    attacker_account = User.objects.create_user("attacker", "victim@example.com", "attacker-pw")
    attacker = Client()
    assert attacker.login(username="attacker", password="attacker-pw")
    assert attacker.get("/accounts/email/").status_code == 200

    victim = Client()
    assert social_login(victim)["Location"] == "/sociallogin/link/"
    page = victim.get("/sociallogin/link/").content.decode()
    assert 'data-testid="link-takeover-note"' in page
    assert _prove_by_code(victim).status_code == 302

    attacker_account.refresh_from_db()
    assert SocialAccount.objects.get().user == attacker_account
    assert not attacker_account.has_usable_password()
    assert not Client().login(username="attacker", password="attacker-pw")
    assert attacker.get("/accounts/email/").status_code == 302  # session ended: to login
    assert EmailAddress.objects.get(user=attacker_account).verified


def test_proving_a_verified_address_by_code_keeps_the_password(
    kakao: Any, kakao_answers: Any
) -> None:
    owner = User.objects.create_user("owner", "victim@example.com", "owner-pw")
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    client = Client()
    social_login(client)
    page = client.get("/sociallogin/link/").content.decode()
    assert 'data-testid="link-takeover-note"' not in page
    assert _prove_by_code(client).status_code == 302
    owner.refresh_from_db()
    assert owner.has_usable_password()
    assert SocialAccount.objects.get().user == owner


def test_password_proof_changes_nothing_of_the_account(kakao: Any, kakao_answers: Any) -> None:
    owner = User.objects.create_user("owner", "victim@example.com", "owner-pw")
    client = Client()
    social_login(client)
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
    User.objects.create_user("owner", "victim@example.com", "owner-pw")
    client = Client()
    social_login(client)
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
    User.objects.create_user("owner", "victim@example.com", "owner-pw")
    client = Client()
    social_login(client)
    client.post("/sociallogin/link/cancel/")
    assert linking.SESSION_KEY not in client.session


def test_a_held_login_expires_whatever_the_session_age(
    kakao: Any, kakao_answers: Any, monkeypatch: Any
) -> None:
    User.objects.create_user("owner", "victim@example.com", "owner-pw")
    client = Client()
    social_login(client)
    import time

    later = time.time() + linking.PENDING_TTL + 1
    monkeypatch.setattr(linking.time, "time", lambda: later)
    resp = client.post("/sociallogin/link/", {"action": "password", "pw-password": "owner-pw"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/login/"
    assert not SocialAccount.objects.exists()
    assert linking.SESSION_KEY not in client.session
