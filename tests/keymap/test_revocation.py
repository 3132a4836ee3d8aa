"""Revoking the shop's JWTs and sessions: logout, account deletion, a per-customer cut-off."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from keymap import revocation
from keymap.models import CredentialsNotBefore, RevokedSession
from store.services.customers import delete_account, onboard

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client):
    user = User.objects.create_user("shopper", email="s@example.com", password="pw-123456")
    onboard(user, "store")
    client.force_login(user)
    return user


def _token(client) -> str:
    response = client.post("/api/token")
    assert response.status_code == 200
    return response.json()["access_token"]


def _me(client, token: str) -> int:
    return client.get("/api/users/me", headers={"authorization": f"Bearer {token}"}).status_code


def test_logout_revokes_the_sessions_tokens_only(client, shopper, django_user_model) -> None:
    first, second = _token(client), _token(client)
    other = django_user_model.objects.create_user("other", password="pw-123456")
    onboard(other, "store")
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    others = _token(other_client)
    assert _me(client, first) == 200
    client.post("/accounts/logout/")
    assert _me(client, first) == 401 and _me(client, second) == 401
    # one row for the session, whatever number of tokens it was given
    assert RevokedSession.objects.filter(user=shopper).count() == 1
    assert _me(other_client, others) == 200


def test_revoke_all_voids_tokens_and_sessions_issued_before(client, shopper) -> None:
    token = _token(client)
    time.sleep(1.01)  # iat has whole seconds
    revocation.revoke_all(shopper, "sessions revoked at Kakao")
    assert _me(client, token) == 401
    # the session itself has ended: the next request is anonymous
    assert client.post("/api/token").status_code == 401
    # a new login is accepted again
    time.sleep(1.01)
    client.force_login(shopper)
    client.get("/")  # stamps nothing: force_login sends user_logged_in, which stamps
    fresh = _token(client)
    assert _me(client, fresh) == 200


def test_account_deletion_revokes_credentials(client, shopper) -> None:
    token = _token(client)
    delete_account(shopper)
    assert CredentialsNotBefore.objects.filter(user=shopper, reason="account deleted").exists()
    assert _me(client, token) == 401


def test_revocation_survives_an_empty_cache(client, shopper) -> None:
    from django.core.cache import cache

    token = _token(client)
    revocation.revoke_all(shopper, "credential compromise")
    cache.clear()
    assert _me(client, token) == 401


def _revoked_session(sid: str, user, expires_in: int) -> None:
    RevokedSession.objects.create(
        sid=sid, user=user, expires_at=timezone.now() + timedelta(seconds=expires_in)
    )


def test_prune_drops_only_expired_rows(shopper) -> None:
    _revoked_session("old", shopper, -10)
    _revoked_session("live", shopper, 600)
    assert revocation.prune() == 1
    assert list(RevokedSession.objects.values_list("sid", flat=True)) == ["live"]


def test_a_second_logout_of_a_session_extends_its_row(client, shopper) -> None:
    session = client.session
    sid = revocation.session_token_id(session)
    assert revocation.revoke_session_tokens(session, shopper) == 1
    RevokedSession.objects.filter(sid=sid).update(expires_at=timezone.now())
    revocation.revoke_session_tokens(session, shopper)  # idempotent
    row = RevokedSession.objects.get(sid=sid)
    assert row.expires_at > timezone.now() + timedelta(seconds=800)


def test_prune_command(shopper) -> None:
    from io import StringIO

    from django.core.management import call_command

    _revoked_session("old", shopper, -10)
    out = StringIO()
    call_command("keymap_prune_revoked_tokens", stdout=out)
    assert "1 expired" in out.getvalue() and not RevokedSession.objects.exists()
