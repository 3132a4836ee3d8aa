"""Kakao client: each call's request, answer parsing and typed errors (HTTP faked)."""

from __future__ import annotations

import pytest
import requests
import responses
from responses import matchers

from kakaosync import client

AUTH = "https://kauth.test"
API = "https://kapi.test"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.KAKAOSYNC_AUTH_BASE_URL = AUTH
    settings.KAKAOSYNC_API_BASE_URL = API + "/"
    settings.KAKAOSYNC_RETRIES = 1


@responses.activate
def test_request_token_posts_the_code_and_parses_the_answer():
    responses.post(
        f"{AUTH}/oauth/token",
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "authorization_code",
                    "client_id": "rest",
                    "redirect_uri": "https://shop/cb",
                    "code": "abc",
                    "client_secret": "sec",
                }
            )
        ],
        json={
            "token_type": "bearer",
            "access_token": "AT",
            "expires_in": 21599,
            "refresh_token": "RT",
            "refresh_token_expires_in": 5183999,
            "scope": "account_email profile_nickname",
        },
    )
    token = client.request_token(
        client_id="rest", redirect_uri="https://shop/cb", code="abc", client_secret="sec"
    )
    assert token.access_token == "AT"
    assert token.scope == ("account_email", "profile_nickname")
    assert "AT" not in repr(token)


@responses.activate
def test_token_koe_error_is_typed_and_never_retried():
    responses.post(
        f"{AUTH}/oauth/token",
        status=400,
        json={"error": "invalid_grant", "error_description": "bad code", "error_code": "KOE320"},
    )
    with pytest.raises(client.KakaoAPIError) as exc:
        client.request_token(client_id="rest", redirect_uri="https://shop/cb", code="x")
    assert exc.value.code == "KOE320"
    assert exc.value.status == 400
    assert len(responses.calls) == 1


@responses.activate
def test_bad_client_secret_is_an_auth_error():
    responses.post(
        f"{AUTH}/oauth/token",
        status=401,
        json={"error": "invalid_client", "error_code": "KOE010"},
    )
    with pytest.raises(client.KakaoAuthError):
        client.request_token(client_id="rest", redirect_uri="https://shop/cb", code="x")


@responses.activate
def test_post_is_not_retried_on_5xx():
    responses.post(f"{AUTH}/oauth/token", status=502, body="bad gateway")
    with pytest.raises(client.KakaoUnavailable):
        client.request_token(client_id="rest", redirect_uri="https://shop/cb", code="x")
    assert len(responses.calls) == 1


USER = {
    "id": 1234567890,
    "connected_at": "2026-11-21T10:00:00Z",
    "synched_at": "2026-11-21T10:00:00Z",
    "kakao_account": {
        "profile_nickname_needs_agreement": False,
        "profile": {"nickname": "민지", "profile_image_url": "https://img/p.png"},
        "email_needs_agreement": False,
        "email": "minji@example.com",
        "is_email_valid": True,
        "is_email_verified": True,
        "phone_number_needs_agreement": False,
        "phone_number": "+82 10-1234-5678",
        "birthday_needs_agreement": True,
        "gender_needs_agreement": False,
        "gender": "female",
    },
}


@responses.activate
def test_get_user_sends_bearer_and_parses_consented_fields():
    responses.get(
        f"{API}/v2/user/me",
        match=[matchers.header_matcher({"Authorization": "Bearer AT"})],
        json=USER,
    )
    user = client.get_user("AT")
    assert user.id == 1234567890
    assert user.account.nickname == "민지"
    assert user.account.phone_number == "+82 10-1234-5678"
    assert user.account.birthday is None  # not agreed: absent
    assert user.account.needs_agreement["birthday"] is True
    assert user.synched_at is not None


@responses.activate
def test_get_user_without_kakao_account_is_typed():
    responses.get(f"{API}/v2/user/me", json={"id": 1})
    with pytest.raises(client.KakaoAccountMissing):
        client.get_user("AT")


@responses.activate
def test_get_user_invalid_json_and_bad_id():
    responses.get(f"{API}/v2/user/me", body="<html>oops</html>", status=200)
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_user("AT")
    responses.replace(responses.GET, f"{API}/v2/user/me", json={"id": "x1", "kakao_account": {}})
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_user("AT")
    responses.replace(responses.GET, f"{API}/v2/user/me", json=[1, 2])
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_user("AT")
    # str.isdigit() takes "²", which int() refuses: still Kakao's bad answer, not a crash.
    responses.replace(responses.GET, f"{API}/v2/user/me", json={"id": "²", "kakao_account": {}})
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_user("AT")


@responses.activate
def test_expired_token_is_an_auth_error_not_retried():
    responses.get(
        f"{API}/v2/user/me",
        status=401,
        json={"msg": "this access token does not exist", "code": -401},
    )
    with pytest.raises(client.KakaoAuthError) as exc:
        client.get_user("AT")
    assert exc.value.code == "-401"
    assert len(responses.calls) == 1


@responses.activate
def test_get_is_retried_once_after_5xx_then_succeeds():
    responses.get(f"{API}/v1/user/access_token_info", status=503)
    responses.get(
        f"{API}/v1/user/access_token_info", json={"id": 7, "expires_in": 100, "app_id": 555}
    )
    info = client.access_token_info("AT")
    assert info == client.TokenInfo(id=7, expires_in=100, app_id=555)
    assert len(responses.calls) == 2


@responses.activate
def test_timeout_is_unavailable_after_retry():
    responses.get(f"{API}/v2/user/service_terms", body=requests.Timeout())
    with pytest.raises(client.KakaoUnavailable):
        client.get_service_terms("AT")
    assert len(responses.calls) == 2


@responses.activate
def test_service_terms_parsed():
    responses.get(
        f"{API}/v2/user/service_terms",
        match=[matchers.query_param_matcher({"tags": "tos,marketing"})],
        json={
            "id": 5,
            "service_terms": [
                {
                    "tag": "tos",
                    "required": True,
                    "agreed": True,
                    "revocable": False,
                    "agreed_at": "2026-11-21T10:00:00Z",
                    "agreed_by": "KAKAO_ACCOUNT",
                },
                {"tag": "marketing", "required": False, "agreed": False, "revocable": True},
            ],
        },
    )
    terms = client.get_service_terms("AT", tags=["tos", "marketing"])
    assert terms.user_id == 5
    assert [(t.tag, t.agreed, t.required) for t in terms.terms] == [
        ("tos", True, True),
        ("marketing", False, False),
    ]
    assert terms.terms[0].agreed_at is not None


@responses.activate
def test_service_terms_malformed():
    responses.get(f"{API}/v2/user/service_terms", json={"id": 5, "service_terms": [{"x": 1}]})
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_service_terms("AT")


@responses.activate
def test_revoke_terms():
    responses.post(
        f"{API}/v2/user/revoke/service_terms",
        match=[matchers.urlencoded_params_matcher({"tags": "marketing"})],
        json={"id": 5, "revoked_service_terms": [{"tag": "marketing", "agreed": False}]},
    )
    assert client.revoke_service_terms("AT", ["marketing"]) == ["marketing"]


@responses.activate
def test_channels_v1_and_v2():
    responses.get(
        f"{API}/v1/api/talk/channels",
        json={
            "user_id": 5,
            "channels": [
                {"channel_uuid": "@u", "channel_public_id": "_ZeUTxl", "relation": "ADDED"}
            ],
        },
    )
    assert client.get_channels("AT").relation_to("_ZeUTxl") == "ADDED"
    responses.get(
        f"{API}/v2/api/talk/channels",
        match=[
            matchers.query_param_matcher(
                {"channel_ids": "_ZeUTxl", "channel_id_type": "channel_public_id"}
            )
        ],
        json={
            "user_id": 5,
            "channels": [
                {"channel_uuid": "@u", "channel_public_id": "_ZeUTxl", "relation": "BLOCKED"}
            ],
        },
    )
    rel = client.get_channels("AT", channel_public_ids=["_ZeUTxl"])
    assert rel.relation_to("_ZeUTxl") == "BLOCKED"
    assert rel.relation_to("_other") == "NONE"


@responses.activate
def test_channels_unknown_relation_rejected():
    responses.get(
        f"{API}/v1/api/talk/channels",
        json={"user_id": 5, "channels": [{"channel_public_id": "_Z", "relation": "FRIEND"}]},
    )
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_channels("AT")


@responses.activate
def test_unlink_with_admin_key_and_with_token_and_logout():
    responses.post(
        f"{API}/v1/user/unlink",
        match=[
            matchers.header_matcher({"Authorization": "KakaoAK adm"}),
            matchers.urlencoded_params_matcher({"target_id_type": "user_id", "target_id": "42"}),
        ],
        json={"id": 42},
    )
    assert client.unlink_user(admin_key="adm", user_id=42) == 42
    responses.post(
        f"{API}/v1/user/unlink",
        match=[matchers.header_matcher({"Authorization": "Bearer AT"})],
        json={"id": 43},
    )
    assert client.unlink("AT") == 43
    responses.post(f"{API}/v1/user/logout", json={"id": 43})
    assert client.logout("AT") == 43


@responses.activate
def test_unlink_not_registered_user():
    responses.post(
        f"{API}/v1/user/unlink", status=400, json={"msg": "not registered", "code": -101}
    )
    with pytest.raises(client.KakaoAPIError) as exc:
        client.unlink_user(admin_key="adm", user_id=42)
    assert exc.value.code == "-101"


@responses.activate
def test_errors_never_carry_the_token(caplog):
    responses.get(f"{API}/v2/user/me", status=500, json={"msg": "boom", "code": -1})
    with pytest.raises(client.KakaoUnavailable) as exc:
        client.get_user("SECRET-ACCESS-TOKEN")
    assert "SECRET-ACCESS-TOKEN" not in str(exc.value)
    assert "SECRET-ACCESS-TOKEN" not in caplog.text
