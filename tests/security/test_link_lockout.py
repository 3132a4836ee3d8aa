"""Wrong answers by someone else do not lock the account's owner out of linking.

An attacker may start proofs against any account (the KakaoTalk claim names one) and spend
every wrong answer they are allowed. That must cost their own budget, not the owner's:
- the per-account budget counts per client address (``store.client_ip``): 20 wrong
  answers from one address leave the owner, elsewhere, their full budget;
- wrong passwords from many addresses do close the password proof for the account (the
  password is the secret shared by every proof), but the code mailed to the account's
  address still proves it: a fresh code each proof, and only its owner reads it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from sociallogin.ownership import PROOFS_PER_ACCOUNT
from tests.sociallogin.conftest import mock_kakao, social_login

LINK = "/sociallogin/link/"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.9"

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing() -> Any:
    user = get_user_model().objects.create_user("minji", "minji@example.com", "correct horse")
    EmailAddress.objects.create(user=user, email="minji@example.com", verified=True, primary=True)
    return user


def _proof(mocked: Any, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    mock_kakao(mocked)
    assert social_login(client)["Location"] == LINK
    return client


def _spend_a_proof(mocked: Any, address: str) -> list[int]:
    client = _proof(mocked, address)
    return [
        client.post(LINK, {"action": "password", "pw-password": "wrong guess"}).status_code
        for _ in range(5)
    ]


def test_an_attackers_wrong_answers_leave_the_owner_elsewhere_their_budget(
    kakao: Any, mocked: Any, existing: Any
) -> None:
    for _round in range(PROOFS_PER_ACCOUNT):
        _spend_a_proof(mocked, ATTACKER)
    assert _spend_a_proof(mocked, ATTACKER)[0] == 302  # the attacker's address is spent
    owner = _proof(mocked, OWNER)
    response = owner.post(LINK, {"action": "password", "pw-password": "correct horse"})
    assert response.status_code == 302 and response["Location"] != "/accounts/login/"
    assert SocialAccount.objects.get().user == existing


def test_wrong_passwords_from_many_addresses_leave_the_owner_the_code(
    kakao: Any, mocked: Any, existing: Any
) -> None:
    for n in range(PROOFS_PER_ACCOUNT * 2):
        _spend_a_proof(mocked, f"203.0.113.{n + 10}")
    owner = _proof(mocked, OWNER)
    refused = owner.post(LINK, {"action": "password", "pw-password": "correct horse"})
    assert refused.status_code == 200  # not checked: the password proof is closed for now
    assert not SocialAccount.objects.exists()
    owner.post(LINK, {"action": "send_code"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    response = owner.post(LINK, {"action": "code", "code-code": code})
    assert response.status_code == 302 and response["Location"] != "/accounts/login/"
    assert SocialAccount.objects.get().user == existing
