"""Kakao login from a native app: allauth headless's app flow against a live shop and the
Kakao sandbox, each promise of the web login, and every kind of token substitution refused."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from kakaosync.models import KakaoSyncMember, KakaoSyncSettings

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
        {"client_id": NATIVE_KEY, "access_token": sdk.access_token, "id_token": sdk.id_token,
         "nonce": sdk.nonce},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["meta"]["is_authenticated"] is True
    assert app.session_token
    account = SocialAccount.objects.get(provider="kakao", uid="1001")
    assert account.extra_data["kakao_account"]["email"] == "minji@example.com"
    session = app.session()
    assert session.status_code == 200, session.text
    assert session.json()["data"]["user"]["id"] == account.user_id
