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


UNLINK = f"{API}/v1/user/unlink"
TERMS = f"{API}/v2/user/service_terms"


@responses.activate
def test_api_error_is_typed_and_a_post_never_retried():
    responses.post(UNLINK, status=400, json={"msg": "not registered", "code": -101})
    with pytest.raises(client.KakaoAPIError) as exc:
        client.unlink_user(admin_key="adm", user_id=42)
    assert exc.value.code == "-101"
    assert exc.value.status == 400
    assert len(responses.calls) == 1


@responses.activate
def test_wrong_admin_key_is_an_auth_error():
    responses.post(UNLINK, status=401, json={"msg": "wrong appKey", "code": -401})
    with pytest.raises(client.KakaoAuthError):
        client.unlink_user(admin_key="adm", user_id=42)


@responses.activate
def test_post_is_not_retried_on_5xx():
    responses.post(UNLINK, status=502, body="bad gateway")
    with pytest.raises(client.KakaoUnavailable):
        client.unlink_user(admin_key="adm", user_id=42)
    assert len(responses.calls) == 1


@responses.activate
def test_invalid_json_and_bad_id():
    responses.get(TERMS, body="<html>oops</html>", status=200)
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_service_terms("AT")
    responses.replace(responses.GET, TERMS, json={"id": "x1", "service_terms": []})
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_service_terms("AT")
    responses.replace(responses.GET, TERMS, json=[1, 2])
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_service_terms("AT")
    # str.isdigit() takes "²", which int() refuses: still Kakao's bad answer, not a crash.
    responses.replace(responses.GET, TERMS, json={"id": "²", "service_terms": []})
    with pytest.raises(client.KakaoInvalidResponse):
        client.get_service_terms("AT")


@responses.activate
def test_expired_token_is_an_auth_error_not_retried():
    responses.get(
        TERMS,
        match=[matchers.header_matcher({"Authorization": "Bearer AT"})],
        status=401,
        json={"msg": "this access token does not exist", "code": -401},
    )
    with pytest.raises(client.KakaoAuthError) as exc:
        client.get_service_terms("AT")
    assert exc.value.code == "-401"
    assert len(responses.calls) == 1


@responses.activate
def test_get_is_retried_once_after_5xx_then_succeeds():
    responses.get(TERMS, status=503)
    responses.get(TERMS, json={"id": 7, "service_terms": []})
    assert client.get_service_terms("AT").user_id == 7
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
def test_unlink_with_admin_key():
    responses.post(
        f"{API}/v1/user/unlink",
        match=[
            matchers.header_matcher({"Authorization": "KakaoAK adm"}),
            matchers.urlencoded_params_matcher({"target_id_type": "user_id", "target_id": "42"}),
        ],
        json={"id": 42},
    )
    assert client.unlink_user(admin_key="adm", user_id=42) == 42


@responses.activate
def test_errors_never_carry_the_token(caplog):
    responses.get(TERMS, status=500, json={"msg": "boom", "code": -1})
    with pytest.raises(client.KakaoUnavailable) as exc:
        client.get_service_terms("SECRET-ACCESS-TOKEN")
    assert "SECRET-ACCESS-TOKEN" not in str(exc.value)
    assert "SECRET-ACCESS-TOKEN" not in caplog.text
