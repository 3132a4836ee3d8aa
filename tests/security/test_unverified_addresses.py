"""Promises of the e-mail match that offers an existing account for linking.

An address that is not verified owns nothing:
- a Kakao account that carried someone's address unverified did not make its customer the
  owner of that address: the address's real owner joining later is not offered that
  customer (the pre-registration takeover of issue 17, (a));
- an address another account only listed (added, never verified) does not hold the real
  owner's social signup on that account's proof page.

And the code goes to the address that matched, never to another address of the account.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.sociallogin.conftest import kakao_user, mock_kakao, social_login

LINK = "/sociallogin/link/"
User = get_user_model()

pytestmark = pytest.mark.django_db


def _kakao_login(client: Client, mocked: Any, uid: int, email: str, *, verified: bool) -> Any:
    mock_kakao(mocked, kakao_user(uid, email=email, is_email_verified=verified))
    return social_login(client)


def test_an_address_kakao_left_unverified_offers_nobody_for_linking(
    kakao: Any, mocked: Any
) -> None:
    attacker = Client()
    _kakao_login(attacker, mocked, 1, "victim@example.com", verified=False)
    squatter = SocialAccount.objects.get(uid="1").user
    assert squatter.email == "victim@example.com"  # allauth put the address on the account

    victim = Client()
    response = _kakao_login(victim, mocked, 2, "victim@example.com", verified=True)
    assert response.get("Location") != LINK
    assert not SocialAccount.objects.filter(uid="2", user=squatter).exists()
    assert not mail.outbox


def test_an_address_only_listed_by_another_account_holds_no_signup(kakao: Any, mocked: Any) -> None:
    squatter = User.objects.create_user("squatter", "squatter@example.com", "pw-squatter")
    EmailAddress.objects.create(
        user=squatter, email="squatter@example.com", verified=True, primary=True
    )
    EmailAddress.objects.create(user=squatter, email="victim@example.com", verified=False)

    victim = Client()
    response = _kakao_login(victim, mocked, 2, "victim@example.com", verified=True)
    assert response.get("Location") != LINK
    assert not SocialAccount.objects.filter(user=squatter).exists()
    assert not mail.outbox  # nothing mailed to the squatter's address


def test_the_code_goes_to_the_verified_address_that_matched(kakao: Any, mocked: Any) -> None:
    owner = User.objects.create_user("owner", "first@example.com", "pw-owner")
    EmailAddress.objects.create(user=owner, email="first@example.com", verified=False, primary=True)
    EmailAddress.objects.create(user=owner, email="second@example.com", verified=True)

    client = Client()
    assert _kakao_login(client, mocked, 3, "second@example.com", verified=True)["Location"] == LINK
    client.post(LINK, {"action": "send_code"})
    assert [m.to for m in mail.outbox] == [["second@example.com"]]
    page = client.get(LINK).content.decode()
    assert "se••••" in page and "fi•••" not in page  # the page names the address used
