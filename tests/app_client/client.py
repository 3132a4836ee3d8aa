"""A native app's side of allauth headless's documented app flow, in Python.

``GET /_allauth/app/v1/config`` (which providers take a token), ``POST .../auth/provider/token``
with what the provider's SDK returned, then ``X-Session-Token`` on every later call (the app
keeps no cookie: each call is a fresh ``requests`` call, no ``Session``), and the plugin's
``/api/token`` for a JWT.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import requests

API = "/_allauth/app/v1"


@dataclass
class KakaoSdkLogin:
    """What Kakao's SDK returns to the app (its ``OAuthToken``), and the nonce it was given."""

    access_token: str
    id_token: str
    nonce: str


def kakao_sdk_login(sandbox_url: str, *, person: int = 1001, **form: str) -> KakaoSdkLogin:
    """Kakao's SDK in the app: log in at Kakao (the sandbox) and agree; a fresh nonce."""
    nonce = form.pop("nonce", None) or secrets.token_urlsafe(16)
    resp = requests.post(
        f"{sandbox_url}/sandbox/app/login",
        data={"person": str(person), "nonce": nonce, **form},
        timeout=5,
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    return KakaoSdkLogin(body["access_token"], body["id_token"], nonce)


@dataclass
class AppClient:
    base_url: str
    session_token: str | None = None
    headers: dict[str, str] = field(default_factory=lambda: {"User-Agent": "ShopApp/1.0 (iOS)"})

    def _headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.session_token:
            headers["X-Session-Token"] = self.session_token
        return headers

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base_url + path
        headers = {**self._headers(), **kwargs.pop("headers", {})}
        return requests.request(method, url, headers=headers, timeout=10, **kwargs)

    def config(self) -> dict[str, Any]:
        resp = self.call("GET", f"{API}/config")
        assert resp.status_code == 200, resp.text
        return resp.json()["data"]

    def provider_token(
        self, provider: str, token: dict[str, Any], process: str = "login"
    ) -> requests.Response:
        resp = self.call(
            "POST",
            f"{API}/auth/provider/token",
            json={"provider": provider, "process": process, "token": token},
        )
        if resp.headers.get("Content-Type", "").startswith("application/json"):
            meta = resp.json().get("meta") or {}
            if meta.get("session_token"):
                self.session_token = meta["session_token"]
        return resp

    def session(self) -> requests.Response:
        return self.call("GET", f"{API}/auth/session")

    def logout(self) -> requests.Response:
        return self.call("DELETE", f"{API}/auth/session")

    def plugin_jwt(self) -> requests.Response:
        return self.call("POST", "/api/token")
