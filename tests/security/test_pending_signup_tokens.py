"""While allauth's "finish joining" form waits, the provider's tokens are not readable in the
session (allauth keeps the pending social signup there, ``socialaccount_sociallogin``).

A session store is not a secret store: a session backend's rows, a cache dump or a signed
cookie session would hand out the shopper's Kakao access and refresh tokens. The pending
signup keeps them encrypted; the signup still completes with them.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import responses
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.test import Client

from tests.sociallogin.conftest import KAKAO_TOKEN_URL, KAKAO_USER_URL, kakao_user, social_login

ACCESS_TOKEN = "at-pending-signup-0123"
REFRESH_TOKEN = "rt-pending-signup-4567"
SIGNUP = "/accounts/3rdparty/signup/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_required(kakao: Any) -> Any:
    kakao.signup_fields = {**kakao.signup_fields, "phone": "required"}
    kakao.save()
    return kakao


@pytest.fixture
def kakao_tokens(mocked: Any) -> Any:
    mocked.add(
        responses.POST,
        KAKAO_TOKEN_URL,
        json={
            "access_token": ACCESS_TOKEN,
            "refresh_token": REFRESH_TOKEN,
            "token_type": "bearer",
            "expires_in": 3600,
        },
    )
    mocked.add(responses.GET, KAKAO_USER_URL, json=kakao_user())
    return mocked


def _session_text(client: Client) -> str:
    store = client.session
    return json.dumps(store.load()) + store.encode(store.load())  # type: ignore[attr-defined]


def _all_forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()]


def test_a_pending_social_signup_keeps_no_token_readable_in_the_session(
    phone_required: Any, kakao_tokens: Any
) -> None:
    client = Client()
    assert social_login(client)["Location"] == SIGNUP
    text = _session_text(client)
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN):
        for form in _all_forms(secret):
            assert form not in text
    # allauth reads its pending signup back through the adapter: the tokens are there.
    pending = SocialLogin.deserialize(client.session["socialaccount_sociallogin"])
    assert pending.token is not None
    assert (pending.token.token, pending.token.token_secret) == (ACCESS_TOKEN, REFRESH_TOKEN)


def test_the_pending_signup_still_completes(phone_required: Any, kakao_tokens: Any) -> None:
    client = Client()
    social_login(client)
    response = client.post(
        SIGNUP, {"email": "minji@example.com", "name": "Minji", "phone": "010-1111-2222"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert SocialAccount.objects.filter(uid="4242").exists()
    assert "socialaccount_sociallogin" not in client.session
