"""The same token login through allauth headless's *browser* client: a single-page front
end that got a Kakao token (e.g. Kakao's JavaScript SDK) posts it with its session cookie
and CSRF token; the plugin's JWT then needs the CSRF token too."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from .client import kakao_sdk_login
from .conftest import NATIVE_KEY

pytestmark = pytest.mark.django_db(transaction=True)
API = "/_allauth/browser/v1"


def test_browser_client_token_login_then_jwt_with_csrf(
    live_server: Any, native_client: Any, sandbox: Any
) -> None:
    browser = requests.Session()
    config = browser.get(live_server.url + API + "/config", timeout=10).json()["data"]
    kakao = next(p for p in config["socialaccount"]["providers"] if p["id"] == "kakao")
    assert {"provider_redirect", "provider_token"} <= set(kakao["flows"])
    csrf = browser.cookies.get("csrftoken") or ""
    sdk = kakao_sdk_login(sandbox.base_url)
    body = {
        "provider": "kakao",
        "process": "login",
        "token": {"client_id": NATIVE_KEY, "id_token": sdk.id_token, "nonce": sdk.nonce},
    }
    url = live_server.url + API + "/auth/provider/token"
    assert browser.post(url, json=body, timeout=10).status_code == 403  # no CSRF token
    resp = browser.post(url, json=body, headers={"X-CSRFToken": csrf}, timeout=10)
    assert resp.status_code == 200, resp.text
    assert SocialAccount.objects.filter(provider="kakao", uid="1001").exists()

    token_url = live_server.url + "/api/token"
    assert browser.post(token_url, timeout=10).status_code == 403
    csrf = browser.cookies.get("csrftoken") or csrf  # rotated at login
    jwt_resp = browser.post(token_url, headers={"X-CSRFToken": csrf}, timeout=10)
    assert jwt_resp.status_code == 200, jwt_resp.text


def test_browser_client_refuses_another_apps_token(
    live_server: Any, native_client: Any, sandbox: Any
) -> None:
    browser = requests.Session()
    browser.get(live_server.url + API + "/config", timeout=10)
    sdk = kakao_sdk_login(sandbox.base_url, app="other")
    resp = browser.post(
        live_server.url + API + "/auth/provider/token",
        json={
            "provider": "kakao",
            "process": "login",
            "token": {"client_id": NATIVE_KEY, "id_token": sdk.id_token, "nonce": sdk.nonce},
        },
        headers={"X-CSRFToken": browser.cookies.get("csrftoken") or ""},
        timeout=10,
    )
    assert resp.status_code == 400, resp.text
    assert resp.json()["errors"][0]["code"] == "invalid_token"
    assert not SocialAccount.objects.exists()
