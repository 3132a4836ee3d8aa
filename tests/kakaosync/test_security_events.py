"""Kakao's security events: Security Event Tokens from the sandbox, signed with its own key,
verified (signature, iss, aud, iat, jti) and acted on."""

from __future__ import annotations

import time

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from devtools.sandboxes.kakao.__main__ import main as sandbox_main
from kakaosync import audience
from kakaosync.models import KakaoSyncMember, WebhookDelivery
from store.models import Customer

from .test_webhooks import make_kakao_customer

pytestmark = pytest.mark.django_db(transaction=True)
MARKETING_TERMS = [
    {"tag": "terms_of_service", "required": True, "agreed": True, "revocable": False},
    {"tag": "privacy_policy", "required": True, "agreed": True, "revocable": False},
    {"tag": "marketing", "required": False, "agreed": True, "revocable": True},
]


@pytest.fixture
def kakao(live_server, sync_on, use_kakao_sandbox):
    use_kakao_sandbox.state.config.shop_url = live_server.url
    return use_kakao_sandbox


def _token(client: Client) -> str:
    response = client.post("/api/token")
    assert response.status_code == 200
    return response.json()["access_token"]


def _me(client: Client, token: str) -> int:
    return client.get("/api/users/me", headers={"authorization": f"Bearer {token}"}).status_code


@pytest.mark.parametrize(
    "event", ["sessions-revoked", "account-disabled", "credential-compromise", "credential-change"]
)
def test_account_events_end_sessions_and_jwts(kakao, event):
    user = make_kakao_customer(1001)
    shopper = Client()
    shopper.force_login(user)
    token = _token(shopper)
    time.sleep(1.01)  # a token of the revoking second is revoked too; this one is older
    status, _text, _set = kakao.send_security_event(1001, event)
    assert status == 202
    assert _me(shopper, token) == 401
    assert shopper.post("/api/token").status_code == 401  # the session has ended
    delivery = WebhookDelivery.objects.get()
    assert (delivery.kind, delivery.outcome, delivery.user_id) == ("events", "processed", user.pk)
    assert delivery.event.endswith(event) and delivery.jti


@pytest.mark.parametrize("event", ["tokens-revoked", "user-unlinked"])
def test_unlink_events_end_the_kakao_link(kakao, event):
    user = make_kakao_customer(1001)
    status, _text, _set = kakao.send_security_event(1001, event)
    assert status == 202
    assert not SocialAccount.objects.filter(user=user).exists()
    member = KakaoSyncMember.objects.get(user=user)
    assert member.unlinked_at and member.unlink_reason == event.upper().replace("-", "_")


def test_consent_withdrawn_updates_terms_and_the_ad_audience(kakao):
    user = make_kakao_customer(1001)
    KakaoSyncMember.objects.filter(user=user).update(terms=MARKETING_TERMS)
    from store import consents
    from store.models import Term

    # The store's advertising term that Kakao's "marketing" tag stands for.
    term = consents.publish(
        Term(kind="marketing_sms", title="Ads", text="t", kakao_tag="marketing", published=True)
    )
    consents.record(user, {term: True}, via="kakao", channel="kakao_sync", notify=False)
    assert audience.audience("moment").count() == 1
    status, _text, _set = kakao.send_security_event(
        1001, "user-scope-withdraw", {"scopes": ["marketing"]}
    )
    assert status == 202
    terms = {t["tag"]: t for t in KakaoSyncMember.objects.get(user=user).terms}
    assert terms["marketing"]["agreed"] is False and terms["terms_of_service"]["agreed"]
    assert not Customer.objects.get(user=user).marketing_consent
    assert audience.audience("moment").count() == 0
    withdrawn = consents.current(user)[term.pk]
    assert (withdrawn.agreed, withdrawn.via) == (False, "kakao")


def test_profile_change_is_marked_for_the_next_login(kakao):
    user = make_kakao_customer(1001)
    assert kakao.send_security_event(1001, "user-profile-changed")[0] == 202
    assert KakaoSyncMember.objects.get(user=user).profile_changed_at is not None


def test_unknown_event_types_and_users_are_recorded_and_accepted(kakao):
    make_kakao_customer(1001)
    claims = kakao.set_claims(1001, "https://schemas.kakao.com/events/future/new-thing")
    assert kakao.push_set(kakao.sign_set(claims))[0] == 202
    assert kakao.send_security_event(4242, "sessions-revoked")[0] == 202
    outcomes = list(WebhookDelivery.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["ignored", "unknown_user"]


def test_a_replayed_token_is_not_acted_on_twice(kakao):
    user = make_kakao_customer(1001)
    status, _text, token = kakao.send_security_event(1001, "user-unlinked")
    assert status == 202
    # The customer links Kakao again; the same token arrives once more.
    SocialAccount.objects.create(user=user, provider="kakao", uid="1001", extra_data={})
    assert kakao.push_set(token)[0] == 202
    assert SocialAccount.objects.filter(user=user).exists()
    assert WebhookDelivery.objects.filter(outcome="replayed").count() == 1


def _forged(kakao, **changes) -> str:
    claims = {**kakao.set_claims(1001, "sessions-revoked"), **changes}
    return kakao.sign_set(claims)


def test_forged_or_stale_tokens_are_refused_with_rfc8935_errors(kakao):
    user = make_kakao_customer(1001)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong_signature = jwt.encode(
        kakao.set_claims(1001, "sessions-revoked"),
        other_key,
        algorithm="RS256",
        headers={"kid": kakao.signing_kid, "typ": "secevent+jwt"},
    )
    unknown_kid = jwt.encode(
        kakao.set_claims(1001, "sessions-revoked"),
        other_key,
        algorithm="RS256",
        headers={"kid": "not-kakaos", "typ": "secevent+jwt"},
    )
    cases = {
        "authentication_failed": wrong_signature,
        "invalid_key": unknown_kid,
        "invalid_audience": _forged(kakao, aud="another-app"),
        "invalid_issuer": _forged(kakao, iss="https://kauth.example.com"),
        "invalid_request": _forged(kakao, iat=int(time.time()) - 2 * 86400),
    }
    for err, token in cases.items():
        status, text = kakao.push_set(token)
        assert status == 400 and f'"err": "{err}"' in text, (err, text)
    wrong_typ = kakao.sign_set(kakao.set_claims(1001, "sessions-revoked"), typ="JWT")
    assert kakao.push_set(wrong_typ)[0] == 400
    no_jti = {k: v for k, v in kakao.set_claims(1001, "sessions-revoked").items() if k != "jti"}
    assert kakao.push_set(kakao.sign_set(no_jti))[0] == 400
    assert kakao.push_set("")[0] == 400
    assert SocialAccount.objects.filter(user=user).exists()
    assert not WebhookDelivery.objects.filter(outcome="processed").exists()
    assert WebhookDelivery.objects.filter(outcome="invalid_token").count() == 8


def test_sandbox_configuration_and_command_line(kakao):
    import requests

    config = requests.get(kakao.base_url + "/.well-known/ssf-configuration", timeout=5).json()
    assert config["issuer"] == kakao.base_url
    keys = requests.get(config["jwks_uri"], timeout=5).json()["keys"]
    assert keys[0]["kid"] == kakao.signing_kid and "d" not in keys[0]
    user = make_kakao_customer(1001)
    rc = sandbox_main(
        [
            "send-event",
            "--sandbox-url",
            kakao.base_url,
            "--user-id",
            "1001",
            "--event",
            "user-unlinked",
        ]
    )
    assert rc == 0
    assert not SocialAccount.objects.filter(user=user).exists()


def test_a_failure_inside_the_shop_writes_nothing_and_asks_for_redelivery(kakao, monkeypatch):
    from kakaosync import security_events

    user = make_kakao_customer(1001)

    def broken(name, uid, payload):
        raise RuntimeError("database gone")

    monkeypatch.setattr(security_events, "act", broken)
    status, _text, token = kakao.send_security_event(1001, "sessions-revoked")
    assert status == 500
    delivery = WebhookDelivery.objects.get()
    assert (delivery.outcome, delivery.status_code, delivery.jti) == ("error", 500, None)
    monkeypatch.undo()
    assert kakao.push_set(token)[0] == 202  # the redelivery is acted on
    assert WebhookDelivery.objects.filter(outcome="processed", user=user).count() == 1
