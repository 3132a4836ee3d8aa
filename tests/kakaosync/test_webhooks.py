"""Kakao's unlink and channel webhooks: verified, recorded, and quick."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kakaosync.models import KakaoSyncMember, WebhookDelivery
from store.commerce.models import Order
from store.models import Customer
from store.services.customers import onboard

from .conftest import ADMIN_KEY, APP_ID, CHANNEL, TERMS

pytestmark = pytest.mark.django_db
URL = "/kakaosync/webhooks/unlink/"
AUTH = {"HTTP_AUTHORIZATION": f"KakaoAK {ADMIN_KEY}"}


def make_kakao_customer(uid: int = 1001, *, password: bool = False, email: str = "k@example.com"):
    user = get_user_model().objects.create_user(f"kakao{uid}", email=email)
    if password:
        user.set_password("pw-123456")
    else:
        user.set_unusable_password()
    user.save()
    onboard(user, "kakao")
    SocialAccount.objects.create(user=user, provider="kakao", uid=str(uid), extra_data={})
    # Joined through Kakao Sync: the store's required terms agreed (a member lacking one is
    # held back from every POST by the required-terms guard, whatever the login).
    agreed = [{"tag": t[0], "required": True, "agreed": True} for t in TERMS if t[2]]
    KakaoSyncMember.objects.create(
        user=user, kakao_user_id=uid, joined_via_sync=True, channel_public_id=CHANNEL, terms=agreed
    )
    return user


def params(uid: int = 1001, referrer: str = "UNLINK_FROM_APPS", app_id: int = APP_ID):
    return {"app_id": str(app_id), "user_id": str(uid), "referrer_type": referrer}


def test_unlink_removes_link_keeps_orders_and_flags_recovery(client, sync_on):
    user = make_kakao_customer()
    customer = Customer.objects.get(user=user)
    Order.objects.create(number="O-1", customer=customer, subtotal=100, total=100)
    resp = client.post(URL, params(referrer="ACCOUNT_DELETE"), **AUTH)
    assert resp.status_code == 200
    assert not SocialAccount.objects.filter(user=user).exists()
    member = KakaoSyncMember.objects.get(user=user)
    assert member.unlinked_at and member.unlink_reason == "ACCOUNT_DELETE"
    assert member.needs_recovery  # Kakao was the only way in
    assert Order.objects.filter(customer=customer).count() == 1
    user.refresh_from_db()
    assert user.is_active
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.status_code, delivery.user_id) == ("processed", 200, user.pk)


def test_unlink_with_a_password_does_not_flag(client, sync_on):
    user = make_kakao_customer(password=True)
    assert client.get(URL, params(), **AUTH).status_code == 200  # GET works as well
    assert not KakaoSyncMember.objects.get(user=user).needs_recovery


def test_unknown_user_still_200_and_replay_is_duplicate(client, sync_on):
    assert client.post(URL, params(uid=999), **AUTH).status_code == 200
    make_kakao_customer()
    assert client.post(URL, params(), **AUTH).status_code == 200
    assert client.post(URL, params(), **AUTH).status_code == 200
    outcomes = list(WebhookDelivery.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["unknown_user", "processed", "duplicate"]


@pytest.mark.parametrize(
    "headers,status,outcome",
    [
        ({}, 401, "unauthorized"),
        ({"HTTP_AUTHORIZATION": "KakaoAK wrong-key-123"}, 401, "unauthorized"),
        ({"HTTP_AUTHORIZATION": f"Bearer {ADMIN_KEY}"}, 401, "unauthorized"),
    ],
)
def test_forged_calls_change_nothing(client, sync_on, headers, status, outcome):
    user = make_kakao_customer()
    resp = client.post(URL, params(), **headers)
    assert resp.status_code == status
    assert SocialAccount.objects.filter(user=user).exists()
    assert KakaoSyncMember.objects.get(user=user).unlinked_at is None
    assert WebhookDelivery.objects.get().outcome == outcome


def test_wrong_app_is_403(client, sync_on):
    user = make_kakao_customer()
    assert client.post(URL, params(app_id=1), **AUTH).status_code == 403
    assert SocialAccount.objects.filter(user=user).exists()
    assert WebhookDelivery.objects.get().outcome == "wrong_app"


def test_bad_parameters_are_400(client, sync_on):
    make_kakao_customer()
    assert client.post(URL, params(referrer=""), **AUTH).status_code == 400
    assert client.post(URL, {"app_id": str(APP_ID), "user_id": "x"}, **AUTH).status_code == 400
    # Not an ID Kakao gives: beyond a 64-bit integer, or digits that are not ASCII.
    for odd in ("99999999999999999999", "²", "\u0663"):
        assert client.post(URL, params() | {"user_id": odd}, **AUTH).status_code == 400, odd
        resp = client.post("/kakaosync/webhooks/channel/", {"event": "blocked", "id": odd}, **AUTH)
        assert (resp.status_code, resp.json()) == (200, {"result": "unknown_user"}), odd
    assert SocialAccount.objects.count() == 1


def test_disabled_sync_refuses(client, kakao_login):
    assert client.post(URL, params(), **AUTH).status_code == 401


def test_webhook_is_cheap(client, sync_on):
    make_kakao_customer()
    client.post(URL, params(uid=5), **AUTH)  # warm the settings cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(URL, params(), **AUTH).status_code == 200
    assert len(ctx.captured_queries) <= 12, [q["sql"] for q in ctx.captured_queries]


def test_channel_webhook_updates_status(client, sync_on):
    user = make_kakao_customer()
    url = "/kakaosync/webhooks/channel/"
    resp = client.post(url, {"event": "added", "id": "1001", "id_type": "app_user_id"}, **AUTH)
    assert resp.status_code == 200
    assert KakaoSyncMember.objects.get(user=user).channel_status == "ADDED"
    resp = client.post(
        url,
        '{"event": "blocked", "id": "1001", "id_type": "app_user_id"}',
        content_type="application/json",
        **AUTH,
    )
    assert resp.status_code == 200
    assert KakaoSyncMember.objects.get(user=user).channel_status == "BLOCKED"
    assert client.post(url, {"event": "added", "id": "1001"}).status_code == 401
    assert KakaoSyncMember.objects.get(user=user).channel_status == "BLOCKED"
    assert client.post(url, {"event": "weird", "id": "1001"}, **AUTH).status_code == 400
    assert client.post(url, {"event": "added", "id": "42"}, **AUTH).status_code == 200
    assert client.get(url, **AUTH).status_code == 405


def test_sandbox_sends_a_webhook_the_shop_accepts(
    transactional_db, live_server, sync_on, kakao_sandbox
):
    user = make_kakao_customer()
    kakao_sandbox.state.config.shop_url = live_server.url
    status, _body = kakao_sandbox.send_unlink_webhook(1001, "UNLINK_FROM_APPS")
    assert status == 200
    assert not SocialAccount.objects.filter(user=user).exists()


def test_burst_of_deliveries_all_answered_200(transactional_db, live_server, sync_on):
    """Kakao may deliver many unlinks at once: every one gets its 200 and is handled."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    users = [make_kakao_customer(2000 + i, email=f"b{i}@example.com") for i in range(20)]

    def send(i: int) -> int:
        return requests.post(
            f"{live_server.url}{URL}",
            data=params(uid=2000 + i),
            headers={"Authorization": f"KakaoAK {ADMIN_KEY}"},
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, range(20)))
    assert statuses == [200] * 20
    assert not SocialAccount.objects.filter(user__in=users).exists()
    assert WebhookDelivery.objects.filter(outcome="processed").count() == 20


def test_same_unlink_delivered_concurrently_is_handled_once(transactional_db, live_server, sync_on):
    """Kakao retrying while the first delivery is in flight: one unlink, the rest replays."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    user = make_kakao_customer(3000, email="twice@example.com")

    def send(_i: int) -> int:
        return requests.post(
            f"{live_server.url}{URL}",
            data=params(uid=3000),
            headers={"Authorization": f"KakaoAK {ADMIN_KEY}"},
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, range(8)))
    assert statuses == [200] * 8
    assert not SocialAccount.objects.filter(user=user).exists()
    outcomes = sorted(WebhookDelivery.objects.values_list("outcome", flat=True))
    assert outcomes == ["duplicate"] * 7 + ["processed"]
    assert KakaoSyncMember.objects.get(user=user).needs_recovery


def test_flagged_customer_recovers_by_email(client, sync_on):
    from django.core import mail

    user = make_kakao_customer(email="only-kakao@example.com")
    client.post(URL, params(), **AUTH)
    assert KakaoSyncMember.objects.get(user=user).needs_recovery
    resp = client.post("/accounts/password/reset/", {"email": "only-kakao@example.com"})
    assert resp.status_code == 302
    assert mail.outbox and mail.outbox[-1].to == ["only-kakao@example.com"]


def test_no_redirect_without_the_trailing_slash(client, sync_on):
    make_kakao_customer()
    resp = client.post(URL.rstrip("/"), params(), **AUTH)
    assert resp.status_code == 200
    assert WebhookDelivery.objects.get().outcome == "processed"


def test_unlink_honoured_after_kakao_sync_was_switched_off(client, sync_on):
    from kakaosync.models import KakaoSyncSettings, invalidate_settings

    user = make_kakao_customer()
    KakaoSyncSettings.objects.filter(pk=1).update(enabled=False)
    invalidate_settings()
    assert client.post(URL, params(), **AUTH).status_code == 200
    assert not SocialAccount.objects.filter(user=user).exists()


def test_refused_calls_recorded_up_to_a_rate_then_only_logged(client, sync_on, settings, caplog):
    settings.KAKAOSYNC_REFUSED_DELIVERIES_RECORDED_PER_MINUTE = 3
    user = make_kakao_customer()
    forged = {"HTTP_AUTHORIZATION": "KakaoAK not-the-key"}
    with caplog.at_level("WARNING", logger="kakaosync.webhooks"):
        statuses = [client.post(URL, params(), **forged).status_code for _ in range(6)]
    assert statuses == [401] * 6
    assert WebhookDelivery.objects.filter(outcome="unauthorized").count() == 3
    assert sum("refused calls within a minute" in r.getMessage() for r in caplog.records) == 1
    assert SocialAccount.objects.filter(user=user).exists()
    # Kakao's own delivery, from the same address, is still handled and recorded.
    assert client.post(URL, params(), **AUTH).status_code == 200
    assert WebhookDelivery.objects.filter(outcome="processed").count() == 1
    assert not SocialAccount.objects.filter(user=user).exists()


def test_delivery_records_the_client_address_allauth_trusts(client, sync_on, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(URL, params(uid=5), HTTP_X_FORWARDED_FOR="203.0.113.7", **AUTH)
    assert WebhookDelivery.objects.get().remote_addr == "203.0.113.7"
    WebhookDelivery.objects.all().delete()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0  # the default: forwarded headers are not believed
    client.post(URL, params(uid=5), HTTP_X_FORWARDED_FOR="203.0.113.7", **AUTH)
    assert WebhookDelivery.objects.get().remote_addr == "127.0.0.1"
