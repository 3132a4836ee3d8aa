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


def test_returning_login_writes_only_what_kakao_changed(
    client, sync_on, use_kakao_sandbox, settings
):
    from datetime import timedelta

    from django.utils import timezone

    # Every login reads Kakao here (test_returning_login_reads.py: when a login may not).
    settings.KAKAOSYNC_SYNC_READ_MAX_AGE = 0

    shop_kakao_login(client, use_kakao_sandbox, terms=ALL_TERMS, channels=[CHANNEL])
    client.logout()
    member = KakaoSyncMember.objects.get()
    read_at = member.last_read_at
    assert member.channel_status == "ADDED"

    shop_kakao_login(client, use_kakao_sandbox)  # nothing new at Kakao: nothing written
    client.logout()
    assert KakaoSyncMember.objects.get().last_read_at == read_at

    use_kakao_sandbox.state.set_channel(CHANNEL, member.kakao_user_id, "BLOCKED")
    shop_kakao_login(client, use_kakao_sandbox)
    client.logout()
    member = KakaoSyncMember.objects.get()
    assert member.channel_status == "BLOCKED" and member.last_read_at > read_at

    stale = timezone.now() - timedelta(hours=2)
    KakaoSyncMember.objects.update(last_read_at=stale)
    shop_kakao_login(client, use_kakao_sandbox)  # nothing new, but the read is refreshed
    assert KakaoSyncMember.objects.get().last_read_at > stale


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

    from devtools.sandboxes.kakao.server import KakaoSandboxHandler

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


@pytest.fixture
def broken_kakao_api(use_kakao_sandbox):
    """Replace one sandbox endpoint's answer for a test."""
    from devtools.sandboxes.kakao.server import KakaoSandboxHandler

    originals = {}

    def breaker(name, answer):
        originals.setdefault(name, getattr(KakaoSandboxHandler, name))
        setattr(KakaoSandboxHandler, name, answer)

    yield breaker
    for name, original in originals.items():
        setattr(KakaoSandboxHandler, name, original)


def _not_json(self):
    self._send(200, b"<html>maintenance</html>", "text/html")


def _expired(self):
    self._kapi_error(401, -401, "this access token does not exist")


@pytest.mark.parametrize(
    "endpoint,answer,status,message",
    [
        ("service_terms", _not_json, 502, b"cannot read"),
        ("channels_v2", _expired, 502, b"did not accept the login"),
    ],
)
def test_bad_kakao_answers_show_a_page_and_write_nothing(
    client, sync_on, use_kakao_sandbox, broken_kakao_api, endpoint, answer, status, message
):
    broken_kakao_api(endpoint, answer)
    resp, _ = shop_kakao_login(client, use_kakao_sandbox, terms=ALL_TERMS)
    assert resp.status_code == status
    assert message in resp.content
    assert not SocialAccount.objects.exists()
    assert get_user_model().objects.count() == 0


def test_required_term_not_agreed_refuses_signup(client, sync_on, kakao_sandbox, settings):
    # The shop requires a term that the Kakao app (sandbox) lets users skip.
    kakao_sandbox.state.config.service_terms["privacy_policy"] = False
    settings.KAKAOSYNC_AUTH_BASE_URL = kakao_sandbox.base_url
    settings.KAKAOSYNC_API_BASE_URL = kakao_sandbox.base_url
    resp, _ = shop_kakao_login(client, kakao_sandbox, terms=["terms_of_service"])
    assert resp.status_code == 400
    assert b"required terms" in resp.content
    assert not SocialAccount.objects.exists()
    assert not KakaoSyncMember.objects.exists()


def test_missing_kakao_account_goes_to_the_signup_form(
    client, sync_on, use_kakao_sandbox, broken_kakao_api
):
    def bare_user(self):
        user_id = self._bearer_user()
        if user_id is not None:
            self._json(200, {"id": user_id, "connected_at": "2026-11-21T10:00:00Z"})

    broken_kakao_api("user_me", bare_user)
    resp, _ = shop_kakao_login(client, use_kakao_sandbox, terms=ALL_TERMS)
    # No email from Kakao: the social signup form asks for it; nothing is created yet.
    assert resp.status_code == 302 and "signup" in resp["Location"]
    assert not SocialAccount.objects.exists()
    assert not KakaoSyncMember.objects.exists()
    # The customer completes the form: the Kakao Sync data read at login is stored then.
    resp = client.post(resp["Location"], {"email": "bare@example.com", "name": "Bare"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    member = KakaoSyncMember.objects.get(kakao_user_id=1001)
    assert member.joined_via_sync and member.channel_status == "NONE"
    assert {t["tag"] for t in member.terms if t["agreed"]} == set(ALL_TERMS)
    assert member.user.customer.marketing_consent


def test_a_fault_writing_the_sync_row_undoes_the_whole_signup(
    client, sync_on, use_kakao_sandbox, monkeypatch
):
    """The Sync row is written in the signup's transaction: no customer without it."""
    from django.db import IntegrityError

    def broken(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(KakaoSyncMember, "save", broken)
    # The shop's own failure is the shop's 500 (handler500), not Kakao's error page.
    client.raise_request_exception = False
    resp, _ = shop_kakao_login(client, use_kakao_sandbox, terms=ALL_TERMS)
    assert resp.status_code == 500, resp.content[:500]
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.exists()
    assert not SocialAccount.objects.exists() and not Customer.objects.exists()
