"""Every provider end to end against the real sandbox server on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from .conftest import sandbox_login

APPLE_KEY = None


def apple_key() -> str:
    global APPLE_KEY
    if APPLE_KEY is None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        APPLE_KEY = (
            ec.generate_private_key(ec.SECP256R1())
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )
    return APPLE_KEY


def enable(enable_provider: Any, provider: str) -> None:
    if provider == "apple":
        enable_provider(
            "apple",
            client_id="shop.apple",
            team_id="TEAM123",
            key_id="KEY123",
            private_key=apple_key(),
            secret="",
        )
    else:
        enable_provider(provider)


@pytest.mark.parametrize("provider", ["kakao", "naver", "google", "facebook", "apple", "line"])
def test_signup_then_login_with_every_provider(
    client: Any, enable_provider: Any, use_sandbox: Any, provider: str
) -> None:
    enable(enable_provider, provider)
    first = sandbox_login(client, provider, uid="9001", email=f"{provider}@example.com")
    assert first.status_code == 302, first.content.decode()[:3000]
    if provider == "line":
        # LINE gives no email; the store requires one: the social signup form asks for it.
        assert first["Location"] == "/accounts/3rdparty/signup/"
        form = client.get(first["Location"])
        assert 'name="email"' in form.content.decode()
        done = client.post(first["Location"], {"email": "line@example.com", "name": "Line"})
        assert done.status_code == 302, done.content.decode()[:3000]
    account = SocialAccount.objects.get(provider=provider)
    assert account.uid == "9001"
    assert account.user.customer.join_channel == provider
    client.post("/accounts/logout/")
    again = sandbox_login(client, provider, uid="9001", email=f"{provider}@example.com")
    assert again.status_code == 302
    assert get_user_model().objects.count() == 1


def test_cancelled_consent_shows_cancelled_page(
    client: Any, enable_provider: Any, use_sandbox: Any
) -> None:
    enable_provider("kakao")
    resp = sandbox_login(client, "kakao", decision="cancel")
    assert resp.status_code == 302
    page = client.get(resp["Location"])
    assert page.status_code == 200
    assert 'data-testid="social-cancelled"' in page.content.decode()
    assert not SocialAccount.objects.exists()


# What each provider's bad answer can be: the user endpoint's answer for the providers that
# read it, the signed ID token for those that read that instead (Google, Apple).
BAD_ANSWERS = [
    *[
        (provider, answer)
        for provider in ("kakao", "naver", "facebook", "line")
        for answer in ("no_id", "wrong_types", "not_json")
    ],
    *[
        (provider, answer)
        for provider in ("google", "apple")
        for answer in ("no_id", "wrong_types", "malformed_id_token", "foreign_id_token")
    ],
    # allauth skips Google's signature check when it fetched the token itself over TLS (as
    # OpenID Connect allows); Apple's ID token is always checked against Apple's keys.
    ("apple", "bad_signature"),
]


@pytest.mark.parametrize(("provider", "answer"), BAD_ANSWERS)
def test_bad_provider_answers_give_a_clear_page(
    client: Any, enable_provider: Any, use_sandbox: Any, provider: str, answer: str, caplog: Any
) -> None:
    enable(enable_provider, provider)
    resp = sandbox_login(client, provider, answer=answer)
    assert 400 <= resp.status_code < 500, resp.content.decode()[:2000]
    assert 'data-testid="social-error"' in resp.content.decode()
    assert not SocialAccount.objects.exists()
    assert get_user_model().objects.count() == 0
    failures = [r.getMessage() for r in caplog.records if "social login failed" in r.getMessage()]
    assert failures and all(f"provider={provider}" in m for m in failures)


def test_a_good_id_token_after_bad_ones_still_logs_in(
    client: Any, enable_provider: Any, use_sandbox: Any
) -> None:
    # The bad-answer modes above fail for their own reason, not because Apple never works.
    enable(enable_provider, "apple")
    assert sandbox_login(client, "apple", answer="bad_signature").status_code == 401
    assert sandbox_login(client, "apple", uid="31").status_code == 302
    assert SocialAccount.objects.get(provider="apple").uid == "31"
