"""The plugin's JWT (``/api/token``) for an app session (allauth headless's
``X-Session-Token``): the browser session's claims, strength rules and revocation, and no
CSRF token, which a cookie session still needs."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from keymap import revocation
from store import login_strength

from .client import AppClient, kakao_sdk_login
from .conftest import NATIVE_KEY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in(app: AppClient, native_client: Any, sandbox: Any) -> AppClient:
    sdk = kakao_sdk_login(sandbox.base_url)
    resp = app.provider_token(
        "kakao", {"client_id": NATIVE_KEY, "id_token": sdk.id_token, "nonce": sdk.nonce}
    )
    assert resp.status_code == 200, resp.text
    return app


def _claims(resp: Any) -> dict[str, Any]:
    assert resp.status_code == 200, resp.text
    return jwt.decode(resp.json()["access_token"], options={"verify_signature": False})


def _me(app: AppClient, access: str) -> Any:
    return app.call("GET", "/api/users/me", headers={"Authorization": f"Bearer {access}"})


def test_an_app_session_gets_the_jwt_without_csrf(logged_in: AppClient) -> None:
    resp = logged_in.plugin_jwt()
    claims = _claims(resp)
    user = SocialAccount.objects.get(provider="kakao").user
    assert claims["sub"] == str(user.pk) and claims["type"] == "kakao"
    assert claims["sid"] and not claims.get("restricted")
    assert claims["nickname"] == "민지"
    # Every token of the session carries the same sid, as a browser session's do.
    assert _claims(logged_in.plugin_jwt())["sid"] == claims["sid"]
    me = _me(logged_in, resp.json()["access_token"])
    assert me.status_code == 200 and me.json()["id"] == str(user.pk)
    # No cookie was set for the app: its session stays the token's.
    assert "Set-Cookie" not in resp.headers


def test_the_apps_logout_revokes_its_jwts(logged_in: AppClient) -> None:
    access = logged_in.plugin_jwt().json()["access_token"]
    assert logged_in.logout().status_code == 401  # allauth headless: now anonymous
    assert _me(logged_in, access).status_code == 401
    assert logged_in.plugin_jwt().status_code == 401


def test_revoked_credentials_end_the_app_session_and_its_jwts(logged_in: AppClient) -> None:
    access = logged_in.plugin_jwt().json()["access_token"]
    revocation.revoke_all(SocialAccount.objects.get(provider="kakao").user, "test")
    assert _me(logged_in, access).status_code == 401
    resp = logged_in.plugin_jwt()
    assert resp.status_code == 401 and resp.json() == {"error": "invalid_token"}
    # Ended, not only refused once.
    assert logged_in.session().status_code in (401, 410)


def test_a_user_id_only_app_session_gets_a_restricted_token(logged_in: AppClient) -> None:
    from allauth.headless import app_settings as headless_settings

    session = headless_settings.TOKEN_STRATEGY.lookup_session(logged_in.session_token)
    session[login_strength.SESSION_USER_ID_LOGIN] = True
    session[login_strength.SESSION_LOGIN_TYPE] = login_strength.USER_ID_LOGIN_TYPE
    session.save()
    claims = _claims(logged_in.plugin_jwt())
    assert claims["restricted"] is True and claims["nickname"] is None
    assert claims["type"] == login_strength.USER_ID_LOGIN_TYPE


def test_an_unknown_session_token_is_refused(app: AppClient, db: Any) -> None:
    app.session_token = "made-up"
    resp = app.plugin_jwt()
    assert resp.status_code == 401 and resp.json() == {"error": "invalid_token"}


def test_a_cookie_session_still_needs_the_csrf_token(logged_in: AppClient, live_server) -> None:
    """The browser half: the exemption is for the header's session only."""
    user = SocialAccount.objects.get(provider="kakao").user
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post("/api/token").status_code == 403
    token = "k" * 32  # a CSRF secret, as Django's cookie holds one
    browser.cookies["csrftoken"] = token
    resp = browser.post("/api/token", HTTP_X_CSRFTOKEN=token)
    assert resp.status_code == 200, resp.content
