"""The shop's promises through allauth headless's browser client (``/_allauth/browser/v1``),
with Django's test client, the real Kakao sandbox on loopback and the partner's webhooks
answered by ``responses`` (only where a partner takes part)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from kakaosync.models import KakaoSyncMember, ServiceTerm, invalidate_settings
from sociallogin import tombstones
from sociallogin.models import ProviderSettings
from store.models import Customer
from tests.keymap.conftest import PARTNER, PATHS, answer, configure_partner

from .conftest import (
    BROWSER,
    CALLBACK,
    KAKAOTALK,
    errors_of,
    headless_kakao_login,
    post_json,
    query,
    start_redirect,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
REQUIRED = ["terms_of_service", "privacy_policy"]


def authorize_params(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


# --- 1. Kakao Sync's terms and channel on the headless provider redirect --------------------


def test_headless_redirect_asks_kakao_sync_terms_and_channel(client, sync_on, use_kakao_sandbox):
    resp = start_redirect(client)
    assert resp.status_code == 302
    params = authorize_params(resp["Location"])
    assert params["service_terms"] == "terms_of_service,privacy_policy,marketing"
    assert params["channel_public_id"] == "_shopch"


def test_kakao_sync_signup_through_headless_ends_on_the_callback(
    client, sync_on, use_kakao_sandbox
):
    resp, _authorize = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert resp.status_code == 302 and resp["Location"] == CALLBACK
    member = KakaoSyncMember.objects.get()
    assert {t["tag"] for t in member.terms if t.get("agreed")} >= set(REQUIRED)
    assert client.get(f"{BROWSER}/auth/session").json()["meta"]["is_authenticated"] is True


def test_a_kakao_refusal_at_the_callback_goes_to_the_front_end_with_its_code(
    client, sync_on, use_kakao_sandbox
):
    """A new member without the required terms: allauth headless's ?error=, not a page."""
    # The shop requires a term that the Kakao app (sandbox) lets users skip.
    use_kakao_sandbox.state.config.service_terms["privacy_policy"] = False
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=["terms_of_service"])
    assert resp.status_code == 302
    assert resp["Location"].startswith(CALLBACK + "?")
    assert query(resp["Location"]) == {"error": "required_terms", "error_process": "login"}
    assert not User.objects.exists()


def test_a_deleted_account_is_refused_on_the_front_ends_callback(
    client, sync_on, use_kakao_sandbox
):
    tombstones.bury("kakao", "1001")
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert query(resp["Location"])["error"] == "deleted_account"
    assert not User.objects.exists()


def test_proof_of_ownership_is_a_flow_the_front_end_follows(client, sync_on, use_kakao_sandbox):
    """An account with the Kakao member's address: ?error=proof_required, then the shop's
    proof page (``data.flow`` on a JSON endpoint), which ends on the front end's URL."""
    from allauth.account.models import EmailAddress

    owner = User.objects.create_user("owner", "minji@example.com", "pw-owner-123")
    EmailAddress.objects.create(user=owner, email="minji@example.com", verified=True, primary=True)
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert query(resp["Location"])["error"] == "proof_required"
    page = client.get("/sociallogin/link/")
    assert page.status_code == 200
    done = client.post("/sociallogin/link/", {"action": "password", "pw-password": "pw-owner-123"})
    assert done.status_code == 302 and done["Location"] == CALLBACK
    assert SocialAccount.objects.get(provider="kakao").user == owner


# --- 2. The store's signup fields on headless provider/signup ------------------------------


@pytest.fixture
def phone_required(kakao_login: ProviderSettings) -> ProviderSettings:
    from sociallogin.conf import invalidate

    kakao_login.signup_fields = {**kakao_login.signup_fields, "phone": "required"}
    kakao_login.save()
    invalidate()
    return kakao_login


def test_provider_signup_asks_enforces_and_keeps_a_required_phone(
    client, sync_on, phone_required, use_kakao_sandbox
):
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    # Kakao gave no phone: allauth headless holds a pending signup.
    assert resp["Location"] == CALLBACK
    pending = client.get(f"{BROWSER}/auth/provider/signup")
    assert pending.status_code == 200
    fields = client.get("/sociallogin/headless/signup-fields/kakao").json()["data"]["fields"]
    assert {"name": "phone", "required": True} in [
        {"name": f["name"], "required": f["required"]} for f in fields
    ]
    missing = post_json(client, f"{BROWSER}/auth/provider/signup", {"email": "minji@example.com"})
    assert missing.status_code == 400
    assert [e["param"] for e in errors_of(missing)] == ["phone"]
    bad = post_json(
        client, f"{BROWSER}/auth/provider/signup", {"email": "minji@example.com", "phone": "x"}
    )
    assert [(e["param"], e["code"]) for e in errors_of(bad)] == [("phone", "invalid")]
    assert not User.objects.exists()
    ok = post_json(
        client,
        f"{BROWSER}/auth/provider/signup",
        {"email": "minji@example.com", "phone": "010-1234-5678"},
    )
    assert ok.status_code == 200, ok.content
    customer = Customer.objects.get()
    assert customer.phone == "010-1234-5678"


def test_the_check_names_the_signup_form_class(settings):
    from sociallogin.headless import check_signup_form_class

    assert check_signup_form_class() == []
    settings.ACCOUNT_SIGNUP_FORM_CLASS = None
    assert [e.id for e in check_signup_form_class()] == ["sociallogin.E030"]


# --- 3. Kakao only inside KakaoTalk, before anything is written -----------------------------


@responses.activate
@pytest.mark.parametrize(
    "path,data",
    [
        ("/auth/signup", {"email": "a@example.com", "username": "a", "password": "Pw-12345678"}),
        ("/auth/login", {"username": "a", "password": "Pw-12345678"}),
        ("/auth/provider/token", {"provider": "google", "process": "login", "token": {}}),
    ],
)
def test_kakaotalk_refuses_other_ways_on_headless_endpoints(client, restricted, path, data):
    configure_partner()
    resp = post_json(client, BROWSER + path, data, HTTP_USER_AGENT=KAKAOTALK)
    assert resp.status_code == 403
    assert [e["code"] for e in errors_of(resp)] == ["kakao_only"]
    assert resp.json()["data"]["providers"] == ["kakao"]
    assert not User.objects.exists() and not Customer.objects.exists()
    assert len(responses.calls) == 0  # no partner webhook


def test_kakaotalk_sends_another_providers_redirect_back_with_the_code(client, restricted):
    resp = start_redirect(client, provider="naver", ua=KAKAOTALK)
    assert resp.status_code == 302
    assert query(resp["Location"]) == {"error": "kakao_only", "error_process": "login"}
    assert resp["Location"].startswith(CALLBACK)


def test_kakaotalk_lists_kakao_only_and_still_logs_in_with_kakao(
    client, restricted, use_kakao_sandbox
):
    config = client.get(f"{BROWSER}/config", HTTP_USER_AGENT=KAKAOTALK).json()
    assert [p["id"] for p in config["data"]["socialaccount"]["providers"]] == ["kakao"]
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, ua=KAKAOTALK, terms=REQUIRED)
    assert resp["Location"] == CALLBACK


def test_other_browsers_keep_the_headless_signup(client, restricted):
    resp = post_json(
        client,
        f"{BROWSER}/auth/signup",
        {"email": "a@example.com", "username": "a", "password": "Pw-12345678x"},
    )
    assert resp.status_code == 200, resp.content


# --- 4. Required terms added later ---------------------------------------------------------


@pytest.fixture
def member_missing_a_term(client, sync_on, use_kakao_sandbox) -> Any:
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert resp["Location"] == CALLBACK
    ServiceTerm.objects.create(
        settings=sync_on, tag="age_14", title="Over 14", required=True, position=9
    )
    invalidate_settings()
    return sync_on


def test_a_headless_write_names_the_missing_terms(client, member_missing_a_term):
    resp = post_json(client, f"{BROWSER}/account/email", {"email": "other@example.com"})
    assert resp.status_code == 403
    assert [(e["code"], e["param"]) for e in errors_of(resp)] == [("required_terms", "age_14")]
    flow = resp.json()["data"]["flow"]
    assert flow["fields"]["service_terms"] == "age_14"
    # Logging out stays open.
    assert client.delete(f"{BROWSER}/auth/session").status_code == 401


def test_the_front_end_runs_the_additional_consent_flow(client, member_missing_a_term):
    info = client.get("/kakaosync/headless/terms").json()["data"]
    assert [m["tag"] for m in info["missing"]] == ["age_14"]
    flow = info["flow"]
    resp = client.post(flow["url"], {**flow["fields"], "callback_url": CALLBACK})
    assert resp.status_code == 302
    assert authorize_params(resp["Location"])["service_terms"] == "age_14"


def test_a_posted_tag_the_store_does_not_have_is_not_asked(client, sync_on, use_kakao_sandbox):
    resp = start_redirect(client, service_terms="not_ours")
    assert authorize_params(resp["Location"])["service_terms"] == (
        "terms_of_service,privacy_policy,marketing"
    )


# --- 5. Login strength -----------------------------------------------------------------------


@pytest.fixture
def user_id_session(client, partner) -> Any:
    with responses.RequestsMock() as mocked:
        mocked.post(PARTNER + PATHS["user_validation"], status=200)
        resp = post_json(client, "/keymap/headless/login/user-id", {"user_id": "87654321"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["data"]["login_strength"] == "user_id"
    assert "email" not in json.dumps(resp.json())
    return resp


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/auth/session"),
        ("get", "/account/email"),
        ("get", "/account/providers"),
        ("post", "/account/password/change"),
    ],
)
def test_a_user_id_session_reads_and_changes_nothing_through_headless(
    client, user_id_session, method, path
):
    resp = getattr(client, method)(BROWSER + path, content_type="application/json")
    assert resp.status_code == 403
    assert [e["code"] for e in errors_of(resp)] == ["login_too_weak"]


def test_a_user_id_session_may_log_out_and_log_in_stronger(client, user_id_session):
    assert client.get(f"{BROWSER}/config").status_code == 200
    assert client.delete(f"{BROWSER}/auth/session").status_code == 401


def test_the_user_id_login_refuses_an_unknown_id_as_json(client, partner):
    with responses.RequestsMock() as mocked:
        mocked.post(PARTNER + PATHS["user_validation"], status=404)
        resp = post_json(client, "/keymap/headless/login/user-id", {"user_id": "1"})
    assert resp.status_code == 400
    assert errors_of(resp)[0]["param"] == "user_id"


def test_the_user_id_login_is_refused_inside_kakaotalk(client, restricted, partner):
    resp = post_json(
        client, "/keymap/headless/login/user-id", {"user_id": "1"}, HTTP_USER_AGENT=KAKAOTALK
    )
    assert resp.status_code == 403
    assert errors_of(resp)[0]["code"] == "kakao_only"


# --- 6. Refusals and faults as JSON ------------------------------------------------------------


@responses.activate
def test_a_partner_refusal_of_a_headless_signup_is_json(client, db):
    configure_partner()
    responses.post(
        PARTNER + PATHS["user_creation"], status=409, json={"message": "This name is taken."}
    )
    resp = post_json(
        client,
        f"{BROWSER}/auth/signup",
        {"email": "a@example.com", "username": "a", "password": "Pw-12345678x"},
    )
    assert resp.status_code == 400
    assert [e["code"] for e in errors_of(resp)] == ["partner_refused"]
    assert not User.objects.exists()


@responses.activate
def test_a_partner_answer_is_still_taken_on_a_headless_signup(client, db):
    configure_partner()
    responses.post(PARTNER + PATHS["user_creation"], json=answer(player_id="777"))
    resp = post_json(
        client,
        f"{BROWSER}/auth/signup",
        {"email": "a@example.com", "username": "a", "password": "Pw-12345678x"},
    )
    assert resp.status_code == 200, resp.content


@pytest.fixture
def broken_kakao_api(use_kakao_sandbox):
    from devtools.sandboxes.kakao.server import KakaoSandboxHandler

    original = KakaoSandboxHandler.service_terms

    def not_json(self):
        self._send(200, b"<html>maintenance</html>", "text/html")

    KakaoSandboxHandler.service_terms = not_json
    yield
    KakaoSandboxHandler.service_terms = original


def test_a_kakao_fault_during_the_login_goes_to_the_front_end_and_writes_nothing(
    client, sync_on, use_kakao_sandbox, broken_kakao_api
):
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert query(resp["Location"])["error"] == "provider_error"
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_a_provider_error_at_the_callback_goes_to_the_front_end(client, sync_on, use_kakao_sandbox):
    resp = start_redirect(client)
    state = authorize_params(resp["Location"])["state"]
    back = client.get("/accounts/kakao/login/callback/", {"state": state, "error": "server_error"})
    assert back.status_code == 302
    assert back["Location"].startswith(CALLBACK)
    assert "error" in query(back["Location"])


def test_a_partner_refusal_of_a_social_signup_reaches_the_front_end(
    client, sync_on, use_kakao_sandbox
):
    configure_partner()
    with responses.RequestsMock() as mocked:
        mocked.add_passthru(use_kakao_sandbox.base_url)
        mocked.post(PARTNER + PATHS["social_login"], status=403, json={"message": "Banned."})
        resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert query(resp["Location"])["error"] == "partner_refused"
    assert not User.objects.exists() and not Customer.objects.exists()
