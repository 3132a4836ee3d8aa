"""Welcome benefits cannot be farmed by leaving the app at Kakao and joining again.

A Kakao account whose link ended at Kakao (the unlink webhook, a ``user-unlinked`` or
``tokens-revoked`` security event) logs back into the customer it left: the shopper gets
their account back. A provider account welcomed once that joins again as a new customer
(its link removed, no trace of it left) joins without a second grant.
"""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from kakaosync import webhooks
from kakaosync.models import KakaoSyncMember, KakaoSyncSettings, invalidate_settings
from store.models import Customer, StoreSettings
from tests.kakaosync.conftest import (
    ADMIN_KEY,
    APP_ID,
    CHANNEL,
    kakao_login,
    kakao_sandbox,
    shop_kakao_login,
    sync_on,
    use_kakao_sandbox,
)

__all__ = ["kakao_login", "kakao_sandbox", "sync_on", "use_kakao_sandbox"]

pytestmark = pytest.mark.django_db
User = get_user_model()
TERMS = ["terms_of_service", "privacy_policy", "marketing"]
WELCOME = 500


@pytest.fixture(autouse=True)
def welcome_points(db) -> None:
    settings = StoreSettings.load()
    settings.welcome_points = WELCOME
    settings.save()


def _kakao_login(client: Client, sandbox) -> None:
    resp, _ = shop_kakao_login(client, sandbox, terms=TERMS, channels=[CHANNEL])
    assert resp.status_code == 302, resp.content[:300]
    client.logout()


def _unlink_webhook(client: Client, uid: int) -> None:
    params = {"app_id": str(APP_ID), "user_id": str(uid), "referrer_type": "UNLINK_FROM_APPS"}
    resp = client.post(
        "/kakaosync/webhooks/unlink/", params, HTTP_AUTHORIZATION=f"KakaoAK {ADMIN_KEY}"
    )
    assert resp.status_code == 200 and resp.json()["result"] == "processed"


@pytest.mark.parametrize("how", ["unlink webhook", "USER_UNLINKED", "TOKENS_REVOKED"])
def test_joining_again_after_leaving_at_kakao_is_the_same_customer(
    client, sync_on, use_kakao_sandbox, how
):
    _kakao_login(client, use_kakao_sandbox)
    user = SocialAccount.objects.get(provider="kakao", uid="1001").user
    assert Customer.objects.get(user=user).points_balance == WELCOME
    # The customer's address is no longer Kakao's (with the same address the shop asks for
    # the proof of ownership first, which also ends in this customer).
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).update(email="changed@example.com")
    User.objects.filter(pk=user.pk).update(email="changed@example.com")
    for _round in range(3):
        if how == "unlink webhook":
            _unlink_webhook(client, 1001)
        else:
            webhooks.end_kakao_link(1001, how)  # what the security event does
        use_kakao_sandbox.state.unlink(1001)
        assert not SocialAccount.objects.filter(user=user).exists()
        _kakao_login(client, use_kakao_sandbox)
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(provider="kakao", uid="1001").user == user
    assert Customer.objects.get(user=user).points_balance == WELCOME
    member = KakaoSyncMember.objects.get(user=user)
    assert member.is_linked and not member.needs_recovery


def test_a_welcomed_account_joining_as_a_new_customer_gets_no_second_grant(
    client, sync_on, use_kakao_sandbox
):
    KakaoSyncSettings.objects.filter(pk=1).update(enabled=False)
    invalidate_settings()
    _kakao_login(client, use_kakao_sandbox)
    first = SocialAccount.objects.get(provider="kakao", uid="1001").user
    assert Customer.objects.get(user=first).points_balance == WELCOME
    # The link is removed and nothing of it is left (no Kakao Sync row, another address):
    # the account joins again as a new customer.
    SocialAccount.objects.filter(user=first).delete()
    User.objects.filter(pk=first.pk).update(email="moved@example.com")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=first).delete()
    _kakao_login(client, use_kakao_sandbox)
    second = SocialAccount.objects.get(provider="kakao", uid="1001").user
    assert second != first
    customer = Customer.objects.get(user=second)
    assert customer.points_balance == 0
    assert customer.welcome_granted_at is not None  # and no later login grants them
