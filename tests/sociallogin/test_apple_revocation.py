"""Apple's rule 5.1.1(v): a deleted account's Sign in with Apple tokens are revoked at
Apple (the sandbox plays ``/auth/revoke`` and records what it received)."""

from __future__ import annotations

import io
import logging
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from sociallogin.models import AppleRevocation, AppleToken
from store.services.customers import delete_account

from .conftest import sandbox_login
from .test_sandbox_flows import apple_key, enable

User = get_user_model()


def _issued_refresh_tokens(sandbox: Any) -> set[str]:
    with sandbox.state.lock:
        return {t for t, g in sandbox.state.refresh_tokens.items() if g.provider == "apple"}


def _join_with_apple(client: Any, enable_provider: Any, sandbox: Any, uid: str) -> Any:
    enable(enable_provider, "apple")
    before = _issued_refresh_tokens(sandbox)
    assert sandbox_login(client, "apple", uid=uid, email=f"a{uid}@example.com").status_code == 302
    (issued,) = _issued_refresh_tokens(sandbox) - before
    return User.objects.get(socialaccount__provider="apple", socialaccount__uid=uid), issued


def test_refresh_token_is_kept_encrypted_and_revoked_after_deletion(
    client: Any,
    enable_provider: Any,
    use_sandbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user, issued = _join_with_apple(client, enable_provider, use_sandbox, "apple-501")
    kept = AppleToken.objects.get(user=user)
    assert kept.refresh_token == issued
    with connection.cursor() as cursor:
        cursor.execute("SELECT refresh_token FROM sociallogin_appletoken")
        (raw,) = cursor.fetchone()
    assert issued not in raw  # a Fernet token at rest

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_account(user)
        # Nothing is sent while the deletion's transaction is open.
        assert not [r for r in use_sandbox.state.revocations if r["token"] == issued]
    assert callbacks

    (call,) = [r for r in use_sandbox.state.revocations if r["token"] == issued]
    assert call["status"] == 200 and call["known_token"]
    assert call["client_id"] == "shop.apple"
    assert call["token_type_hint"] == "refresh_token"
    secret = call["client_secret"]
    assert secret["header"] == {"alg": "ES256", "kid": "KEY123", "typ": "JWT"}
    assert secret["claims"]["iss"] == "TEAM123"
    assert secret["claims"]["sub"] == "shop.apple"
    assert secret["claims"]["aud"] == "https://appleid.apple.com"
    assert issued not in use_sandbox.state.refresh_tokens  # revoked at "Apple"

    record = AppleRevocation.objects.get(user_id=user.pk)
    assert record.outcome == AppleRevocation.Outcome.REVOKED
    assert not AppleToken.objects.filter(user=user).exists()


def test_client_secret_is_signed_with_the_stores_apple_key() -> None:
    from sociallogin.apple_client import client_secret

    token = client_secret(
        client_id="shop.apple", team_id="TEAM123", key_id="KEY123", private_key=apple_key()
    )
    public = load_pem_private_key(apple_key().encode(), password=None).public_key()
    claims = jwt.decode(token, public, algorithms=["ES256"], audience="https://appleid.apple.com")
    assert claims["iss"] == "TEAM123" and claims["sub"] == "shop.apple"


def test_apple_outage_neither_blocks_the_deletion_nor_loses_the_token(
    client: Any,
    enable_provider: Any,
    use_sandbox: Any,
    django_capture_on_commit_callbacks: Any,
    caplog: Any,
) -> None:
    user, issued = _join_with_apple(client, enable_provider, use_sandbox, "apple-502")
    use_sandbox.state.revoke_status = 503
    try:
        with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
            delete_account(user)
    finally:
        use_sandbox.state.revoke_status = 200
    user.refresh_from_db()
    assert not user.is_active and user.customer.deleted_at is not None
    record = AppleRevocation.objects.get(user_id=user.pk)
    assert record.outcome == AppleRevocation.Outcome.FAILED
    assert "status=503" in record.detail
    assert issued not in record.detail and issued not in caplog.text
    assert "revocation for user" in caplog.text
    # Kept for another try, still encrypted; and the next try works.
    assert AppleToken.objects.get(user=user).refresh_token == issued
    call_command("sociallogin_revoke_apple_tokens", stdout=(out := io.StringIO()))
    assert out.getvalue().strip() == "1 revoked, 0 failed"
    assert AppleRevocation.objects.filter(user_id=user.pk).latest("pk").outcome == "revoked"
    assert not AppleToken.objects.filter(user=user).exists()


def test_token_follows_the_apple_account_when_customers_merge(
    client: Any,
    enable_provider: Any,
    use_sandbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from store.models import Customer
    from store.services.merge import merge_customers

    source, issued = _join_with_apple(client, enable_provider, use_sandbox, "apple-503")
    target = User.objects.create_user("target", "t@example.com", "x")
    Customer.objects.create(user=target, join_channel="web")
    merge_customers(source, target, reason="test")
    assert AppleToken.objects.get().user == target
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(target)
    assert [r for r in use_sandbox.state.revocations if r["token"] == issued]


def test_apple_account_without_a_kept_token_is_recorded(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from allauth.socialaccount.models import SocialAccount

    from store.models import Customer

    user = User.objects.create_user("old-apple", "old@example.com", "x")
    Customer.objects.create(user=user, join_channel="apple")
    SocialAccount.objects.create(user=user, provider="apple", uid="apple-old")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_account(user)
    assert AppleRevocation.objects.get(user_id=user.pk).outcome == "no_token"
    assert not [c for c in callbacks if "revoke" in getattr(c, "__qualname__", "")]


@pytest.mark.parametrize("hint", ["invalid_client", "invalid_request"])
def test_sandbox_refuses_a_revocation_apple_would_refuse(use_sandbox: Any, hint: str) -> None:
    import requests

    data = {"client_id": "shop.apple", "client_secret": "not-a-jwt", "token": "t"}
    if hint == "invalid_request":
        from sociallogin.apple_client import client_secret

        data["client_secret"] = client_secret(
            client_id="shop.apple", team_id="T", key_id="K", private_key=apple_key()
        )
        data["token"] = ""
    resp = requests.post(f"{use_sandbox.base_url}/apple/auth/revoke", data=data, timeout=5)
    assert resp.status_code == 400 and resp.json() == {"error": hint}
