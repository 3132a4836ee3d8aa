"""A required term the store added later binds every session of a Kakao Sync member,
whatever way it logged in (a password the member set, a host's own login), and the JWT
service refuses while it is missing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kakaosync.models import KakaoSyncMember, ServiceTerm, invalidate_settings
from store.commerce.models import Order, Product
from store.services.customers import onboard
from tests.kakaosync.conftest import CHANNEL, kakao_login, sync_on

__all__ = ["kakao_login", "sync_on"]

pytestmark = pytest.mark.django_db
ORDER = {"quantity": 1, "recipient_name": "Kim", "shipping_address": "Seoul 1"}
AGREED = [
    {"tag": "terms_of_service", "required": True, "agreed": True},
    {"tag": "privacy_policy", "required": True, "agreed": True},
]


def _member_with_password(uid: int = 1001):
    user = get_user_model().objects.create_user(f"kakao{uid}", f"k{uid}@example.com", "pw-123456!")
    onboard(user, "kakao")
    KakaoSyncMember.objects.create(
        user=user, kakao_user_id=uid, joined_via_sync=True, channel_public_id=CHANNEL, terms=AGREED
    )
    return user


def _add_required_term(sync_on) -> None:
    ServiceTerm.objects.create(settings=sync_on, tag="location_terms", title="Location", position=9)
    invalidate_settings()


def _password_login(user) -> Client:
    client = Client()
    resp = client.post("/accounts/login/", {"login": user.username, "password": "pw-123456!"})
    assert resp.status_code == 302, resp.content[:300]
    return client


def test_a_password_session_of_a_member_lacking_a_term_gets_no_jwt(sync_on):
    user = _member_with_password()
    _add_required_term(sync_on)
    client = _password_login(user)
    resp = client.post("/api/token")
    assert resp.status_code == 403, resp.content[:300]
    assert resp.json()["error"] == "required_terms"
    assert "access_token" not in resp.json()


def test_a_password_session_of_a_member_lacking_a_term_cannot_order(sync_on):
    user = _member_with_password()
    _add_required_term(sync_on)
    client = _password_login(user)
    product = Product.objects.create(name="Tea", slug="tea", price=1000)
    resp = client.post(f"/products/{product.slug}/", ORDER)
    assert resp.status_code == 302 and resp["Location"].startswith("/account/consents/?next=")
    assert not Order.objects.exists()
    assert client.get(f"/products/{product.slug}/").status_code == 200  # reading stays open


def test_a_session_logged_in_by_the_host_is_bound_too(sync_on):
    user = _member_with_password()
    _add_required_term(sync_on)
    client = Client()
    client.force_login(user)  # a host's own login(): no Kakao step ran
    assert client.post("/api/token").status_code == 403


def test_the_member_row_is_read_once_per_session_not_per_request(sync_on):
    user = _member_with_password()
    client = _password_login(user)  # every required term agreed
    assert client.post("/api/token").status_code == 200
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert client.post("/api/token").status_code == 200
        reads = [q["sql"] for q in queries if "kakaosync_kakaosyncmember" in q["sql"]]
        assert reads == []


def test_a_password_customer_without_kakao_sync_is_not_bound(sync_on):
    user = get_user_model().objects.create_user("plain", "plain@example.com", "pw-123456!")
    onboard(user)
    _add_required_term(sync_on)
    assert _password_login(user).post("/api/token").status_code == 200
