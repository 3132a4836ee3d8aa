"""Kakao login from a native app: allauth headless's app flow against a live shop and the
Kakao sandbox, each promise of the web login, and every kind of token substitution refused."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from kakaosync.models import KakaoSyncSettings

from .client import AppClient, kakao_sdk_login
from .conftest import APP_ID, NATIVE_KEY, REST_KEY

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


@pytest.fixture
def app_id(kakao_login: Any) -> None:
    """The store's Kakao App ID, without Kakao Sync (access tokens are checked against it)."""
    KakaoSyncSettings.objects.update_or_create(pk=1, defaults={"app_id": APP_ID, "enabled": False})


def _refused(resp: Any) -> dict[str, Any]:
    """allauth headless's error shape for a refused token."""
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["status"] == 400
    assert {"code": "invalid_token", "param": "token"}.items() <= body["errors"][0].items(), body
    return body


def test_config_lists_kakao_with_the_token_flow(app: AppClient, native_client, sandbox) -> None:
    config = app.config()
    kakao = next(p for p in config["socialaccount"]["providers"] if p["id"] == "kakao")
    assert "provider_token" in kakao["flows"]
    # The web client is the one named; the app clients are not published.
    assert kakao["client_id"] == REST_KEY


def test_access_and_id_token_log_in_then_the_session_token_carries_the_session(
    app: AppClient, native_client, app_id, sandbox
) -> None:
    sdk = kakao_sdk_login(sandbox.base_url)
    resp = app.provider_token(
        "kakao",
        {
            "client_id": NATIVE_KEY,
            "access_token": sdk.access_token,
            "id_token": sdk.id_token,
            "nonce": sdk.nonce,
        },
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["meta"]["is_authenticated"] is True
    assert app.session_token
    account = SocialAccount.objects.get(provider="kakao", uid="1001")
    assert account.extra_data["kakao_account"]["email"] == "minji@example.com"
    session = app.session()
    assert session.status_code == 200, session.text
    assert session.json()["data"]["user"]["id"] == account.user_id


def _token(sdk: Any, *, client_id: str = NATIVE_KEY, **overrides: Any) -> dict[str, Any]:
    token = {
        "client_id": client_id,
        "access_token": sdk.access_token,
        "id_token": sdk.id_token,
        "nonce": sdk.nonce,
    }
    token.update(overrides)
    return {k: v for k, v in token.items() if v is not None}


def test_an_id_token_alone_logs_in_with_its_claims(app: AppClient, native_client, sandbox) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, person=1002)
    resp = app.provider_token("kakao", _token(sdk, access_token=None))
    assert resp.status_code == 200, resp.text
    account = SocialAccount.objects.get(provider="kakao", uid="1002")
    # Kakao's ID token does not vouch for the email: kept, not verified.
    assert not account.user.emailaddress_set.filter(verified=True).exists()


def test_another_apps_access_token_is_refused(
    app: AppClient, native_client, app_id, sandbox
) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, app="other")
    _refused(app.provider_token("kakao", _token(sdk, id_token=None, nonce=None)))
    assert not SocialAccount.objects.exists() and not User.objects.exists()


def test_another_apps_id_token_is_refused(app: AppClient, native_client, sandbox) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, app="other")
    _refused(app.provider_token("kakao", _token(sdk, access_token=None)))
    assert not User.objects.exists()


def test_an_app_client_the_admin_did_not_enter_is_refused(
    app: AppClient, kakao_login, sandbox
) -> None:
    """Without the native app key entered, its ID tokens are another app's (aud)."""
    sdk = kakao_sdk_login(sandbox.base_url)
    resp = app.provider_token("kakao", _token(sdk, access_token=None, client_id=REST_KEY))
    _refused(resp)
    # allauth's own check first: a client the store does not know is no app of its own.
    resp = app.provider_token("kakao", _token(sdk, access_token=None))
    assert resp.status_code == 400 and resp.json()["errors"][0]["param"] == "token"
    assert not User.objects.exists()


def test_an_id_token_for_the_rest_api_key_logs_in(app: AppClient, native_client, sandbox) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, client_id=REST_KEY)
    resp = app.provider_token("kakao", _token(sdk, access_token=None, client_id=REST_KEY))
    assert resp.status_code == 200, resp.text


def test_an_id_token_signed_with_a_key_kakao_never_published_is_refused(
    app: AppClient, native_client, sandbox
) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, signing="foreign")
    _refused(app.provider_token("kakao", _token(sdk, access_token=None)))


def test_an_expired_id_token_is_refused(app: AppClient, native_client, sandbox) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, ttl="-3600")
    _refused(app.provider_token("kakao", _token(sdk, access_token=None)))


def test_the_nonce_must_be_the_apps_and_is_taken_once(
    app: AppClient, native_client, sandbox
) -> None:
    sdk = kakao_sdk_login(sandbox.base_url)
    _refused(app.provider_token("kakao", _token(sdk, access_token=None, nonce="not-the-one")))
    _refused(app.provider_token("kakao", _token(sdk, access_token=None, nonce=None)))
    assert app.provider_token("kakao", _token(sdk, access_token=None)).status_code == 200
    # The same token again (replayed by whoever lifted it): its nonce was taken.
    _refused(AppClient(app.base_url).provider_token("kakao", _token(sdk, access_token=None)))


def test_tokens_of_two_kakao_users_are_refused(
    app: AppClient, native_client, app_id, sandbox
) -> None:
    minji = kakao_sdk_login(sandbox.base_url, person=1001)
    junho = kakao_sdk_login(sandbox.base_url, person=1002)
    _refused(app.provider_token("kakao", _token(minji, access_token=junho.access_token)))
    assert not User.objects.exists()


def test_without_an_app_id_no_access_token_is_accepted(
    app: AppClient, native_client, sandbox
) -> None:
    """Fail closed: nothing to compare the token's app with."""
    sdk = kakao_sdk_login(sandbox.base_url)
    _refused(app.provider_token("kakao", _token(sdk, id_token=None, nonce=None)))


def test_a_made_up_access_token_is_refused(app: AppClient, native_client, app_id, sandbox) -> None:
    _refused(app.provider_token("kakao", {"client_id": NATIVE_KEY, "access_token": "made-up"}))


def test_kakao_down_is_a_json_error_not_a_login(
    app: AppClient, native_client, app_id, sandbox
) -> None:
    sdk = kakao_sdk_login(sandbox.base_url)
    sandbox.shutdown()
    sandbox.server_close()
    resp = app.provider_token("kakao", _token(sdk, id_token=None, nonce=None))
    assert resp.status_code == 400, resp.text
    assert resp.json()["errors"][0]["code"] == "provider_unavailable"
    assert not User.objects.exists()


def test_a_provider_switched_off_takes_no_token_and_asks_kakao_nothing(
    app: AppClient, native_client, app_id, sandbox, kakao_login
) -> None:
    sdk = kakao_sdk_login(sandbox.base_url, client_id=REST_KEY)
    kakao_login.enabled = False
    kakao_login.save()
    sandbox.shutdown()  # any call to Kakao would now fail differently
    sandbox.server_close()
    resp = app.provider_token("kakao", _token(sdk, client_id=REST_KEY))
    assert resp.status_code == 400, resp.text
    assert resp.json()["errors"][0]["code"] == "provider_not_available"
    assert not User.objects.exists()
