"""Kakao Sync signup and login through the shop, against the Kakao sandbox over HTTP."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from kakaosync.models import KakaoSyncMember
from store.models import Customer

from .conftest import CHANNEL, shop_kakao_login

pytestmark = pytest.mark.django_db

ALL_TERMS = ["terms_of_service", "privacy_policy", "marketing"]


def test_authorize_carries_service_terms_and_channel(client, sync_on, use_kakao_sandbox):
    resp = client.post("/accounts/kakao/login/", {"process": "login"})
    query = parse_qs(urlsplit(resp["Location"]).query)
    assert query["service_terms"] == ["terms_of_service,privacy_policy,marketing"]
    assert query["channel_public_id"] == [CHANNEL]


def test_plain_kakao_login_has_no_sync_params(client, kakao_login, use_kakao_sandbox):
    resp = client.post("/accounts/kakao/login/", {"process": "login"})
    query = parse_qs(urlsplit(resp["Location"]).query)
    assert "service_terms" not in query and "channel_public_id" not in query


def test_sync_signup_stores_terms_channel_marketing_and_profile(client, sync_on, use_kakao_sandbox):
    resp, _ = shop_kakao_login(
        client,
        use_kakao_sandbox,
        items=[
            "profile_nickname",
            "account_email",
            "name",
            "phone_number",
            "birthday",
            "birthyear",
            "gender",
        ],
        terms=ALL_TERMS,
        channels=[CHANNEL],
    )
    assert resp.status_code == 302, resp.content[:500]
    account = SocialAccount.objects.get(provider="kakao", uid="1001")
    member = KakaoSyncMember.objects.get(user=account.user)
    assert member.kakao_user_id == 1001
    assert member.joined_via_sync and member.synched_at is not None
    assert member.channel_status == "ADDED" and member.channel_public_id == CHANNEL
    terms = {t["tag"]: t for t in member.terms}
    assert terms["terms_of_service"]["agreed"] and terms["terms_of_service"]["agreed_at"]
    assert terms["marketing"]["agreed"]
    assert member.phone_consented
    customer = Customer.objects.get(user=account.user)
    assert customer.marketing_consent and customer.marketing_consent_at
    assert customer.phone == "010-1234-5678"
    assert customer.gender == "female"
    assert str(customer.birthday) == "1995-03-15"
    assert customer.join_channel == "kakao"
    assert account.user.email == "minji@example.com"


def test_signup_without_optional_consents(client, sync_on, use_kakao_sandbox):
    resp, _ = shop_kakao_login(
        client, use_kakao_sandbox, terms=["terms_of_service", "privacy_policy"]
    )
    assert resp.status_code == 302
    member = KakaoSyncMember.objects.get(kakao_user_id=1001)
    assert member.channel_status == "NONE"
    assert not member.phone_consented
    customer = member.user.customer
    assert not customer.marketing_consent
    assert customer.phone == ""


def test_returning_login_updates_terms(client, sync_on, use_kakao_sandbox):
    shop_kakao_login(client, use_kakao_sandbox, terms=["terms_of_service", "privacy_policy"])
    client.logout()
    # The customer later revokes nothing and agrees to nothing new: returning login.
    resp, _ = shop_kakao_login(client, use_kakao_sandbox)
    assert resp.status_code == 302
    assert KakaoSyncMember.objects.count() == 1
    assert get_user_model().objects.filter(socialaccount__provider="kakao").count() == 1


def test_cancelled_consent_creates_nothing(client, sync_on, use_kakao_sandbox):
    resp, _ = shop_kakao_login(client, use_kakao_sandbox, action="cancel")
    assert resp.status_code == 302 and "cancelled" in resp["Location"]
    assert client.get(resp["Location"]).status_code == 200
    assert not SocialAccount.objects.exists()
    assert not KakaoSyncMember.objects.exists()


def test_kakao_down_during_sync_shows_page_and_writes_nothing(
    client, sync_on, use_kakao_sandbox, caplog
):
    def broken(self):  # service terms answer 500
        self._kapi_error(500, -1, "internal error")

    from kakaosync.sandbox.server import KakaoSandboxHandler

    original = KakaoSandboxHandler.service_terms
    KakaoSandboxHandler.service_terms = broken
    try:
        resp, _ = shop_kakao_login(client, use_kakao_sandbox, terms=ALL_TERMS)
    finally:
        KakaoSandboxHandler.service_terms = original
    assert resp.status_code == 502
    assert b"Kakao did not answer" in resp.content
    assert not SocialAccount.objects.exists()
    assert not KakaoSyncMember.objects.exists()
    assert get_user_model().objects.count() == 0
    assert "kakao sync login stopped" in caplog.text
