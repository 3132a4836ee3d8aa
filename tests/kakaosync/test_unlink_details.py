"""Kakao's unlink callback in detail: every referrer type and the group user token are
recorded, and Kakao gets 200 also for unknown users and the shop's own failures."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from devtools.sandboxes.kakao.state import REFERRER_TYPES
from kakaosync import webhooks
from kakaosync.admin import REFERRER_LABELS
from kakaosync.models import KakaoSyncMember, WebhookDelivery

from .test_webhooks import AUTH, URL, make_kakao_customer, params

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox_to_shop(live_server, sync_on, use_kakao_sandbox):
    use_kakao_sandbox.state.config.shop_url = live_server.url
    return use_kakao_sandbox


@pytest.mark.parametrize("referrer", REFERRER_TYPES)
def test_each_referrer_type_is_recorded_with_the_group_token(sandbox_to_shop, referrer):
    user = make_kakao_customer(1001)
    status, _text = sandbox_to_shop.send_unlink_webhook(
        1001, referrer, group_user_token="gut-abc123"
    )
    assert status == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.kind, delivery.event, delivery.group_user_token) == (
        "unlink",
        referrer,
        "gut-abc123",
    )
    assert delivery.user_id == user.pk
    assert KakaoSyncMember.objects.get(user=user).unlink_reason == referrer
    assert not SocialAccount.objects.filter(user=user).exists()


def test_unknown_user_is_200(sandbox_to_shop):
    status, text = sandbox_to_shop.send_unlink_webhook(1002, "UNLINK_FROM_ADMIN", method="GET")
    assert status == 200 and "unknown_user" in text
    assert WebhookDelivery.objects.get().outcome == "unknown_user"


def test_a_failure_inside_the_shop_is_answered_200_and_recorded(sandbox_to_shop, monkeypatch):
    make_kakao_customer(1001)

    def broken(uid: int, reason: str) -> webhooks.Result:
        raise RuntimeError("disk full")

    monkeypatch.setattr(webhooks, "end_kakao_link", broken)
    status, _text = sandbox_to_shop.send_unlink_webhook(1001, "ACCOUNT_DELETE")
    assert status == 200
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.status_code, delivery.event) == (
        "error",
        200,
        "ACCOUNT_DELETE",
    )


def test_a_referrer_kakao_adds_later_still_ends_the_link(client, sync_on):
    user = make_kakao_customer(1001)
    assert client.post(URL, params(referrer="SOMETHING_NEW"), **AUTH).status_code == 200
    assert not SocialAccount.objects.filter(user=user).exists()
    assert WebhookDelivery.objects.get().event == "SOMETHING_NEW"


def test_admin_shows_which_kind_each_delivery_was(client, sync_on):
    make_kakao_customer(1001)
    client.post(URL, params(referrer="FORCED_ACCOUNT_DELETE"), **AUTH)
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw-123456")
    client.force_login(admin)
    page = client.get("/admin/kakaosync/webhookdelivery/?event=FORCED_ACCOUNT_DELETE")
    assert page.status_code == 200
    assert str(REFERRER_LABELS["FORCED_ACCOUNT_DELETE"]) in page.content.decode()
