"""A staff password stays in the shop, whichever of the account's addresses logs in.

The partner's user-authentication webhook hears store ID/password logins of shoppers; a
staff or superuser account's password must never reach it, also when the login names the
account by a second allauth address (verified or not) rather than its user name or
``user.email``.
"""

from __future__ import annotations

from typing import Any

import pytest
import responses
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from tests.keymap.conftest import PARTNER, PATHS, answer, partner  # noqa: F401  (fixture)

AUTH = PARTNER + PATHS["user_authentication"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("verified", [True, False])
@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
@responses.activate
def test_a_staff_accounts_second_address_keeps_the_password_in_the_shop(
    partner: Any,  # noqa: F811
    flags: dict[str, bool],
    verified: bool,
) -> None:
    staff = get_user_model().objects.create_user(
        "clerk", "clerk@example.com", "staff-pw-1", **flags
    )
    EmailAddress.objects.create(user=staff, email="clerk@example.com", verified=True, primary=True)
    EmailAddress.objects.create(user=staff, email="clerk.home@example.com", verified=verified)
    responses.post(AUTH, json=answer())
    Client().post("/accounts/login/", {"login": "Clerk.Home@example.com", "password": "staff-pw-1"})
    assert len(responses.calls) == 0


@responses.activate
def test_a_shoppers_login_still_asks_the_partner(partner: Any) -> None:  # noqa: F811
    responses.post(AUTH, json=answer())
    Client().post("/accounts/login/", {"login": "gamer@example.com", "password": "pw-1"})
    assert len(responses.calls) == 1
