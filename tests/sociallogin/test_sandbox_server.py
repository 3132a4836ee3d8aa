"""The sandbox OAuth server itself: codes are single-use and bound to client and redirect."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests


def consent(base: str, provider: str = "kakao", **extra: str) -> str:
    form = {
        "client_id": "cid",
        "redirect_uri": "http://shop.test/cb",
        "state": "st",
        "uid": "55",
        "name": "N",
        "email": "n@example.com",
        "email_verified": "on",
        "decision": "agree",
        **extra,
    }
    resp = requests.post(f"{base}/{provider}/_consent", data=form, allow_redirects=False, timeout=5)
    assert resp.status_code == 302
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["state"] == ["st"]
    return query["code"][0]


def token(base: str, code: str, provider: str = "kakao", **extra: str) -> requests.Response:
    data = {"code": code, "client_id": "cid", "redirect_uri": "http://shop.test/cb", **extra}
    path = {"kakao": "/oauth/token", "google": "/token"}[provider]
    return requests.post(f"{base}/{provider}{path}", data=data, timeout=5)


def test_code_is_single_use(sandbox: Any) -> None:
    code = consent(sandbox.base_url)
    first = token(sandbox.base_url, code)
    assert first.status_code == 200
    user = requests.get(
        f"{sandbox.base_url}/kakao/v2/user/me",
        headers={"Authorization": f"Bearer {first.json()['access_token']}"},
        timeout=5,
    ).json()
    assert user["id"] == 55 and user["kakao_account"]["email"] == "n@example.com"
    assert token(sandbox.base_url, code).json()["error"] == "invalid_grant"


def test_code_is_bound_to_client_and_redirect(sandbox: Any) -> None:
    code = consent(sandbox.base_url)
    assert token(sandbox.base_url, code, client_id="other").status_code == 400
    code = consent(sandbox.base_url)
    assert token(sandbox.base_url, code, redirect_uri="http://evil.test/cb").status_code == 400


def test_unknown_token_is_401(sandbox: Any) -> None:
    resp = requests.get(
        f"{sandbox.base_url}/kakao/v2/user/me", headers={"Authorization": "Bearer nope"}, timeout=5
    )
    assert resp.status_code == 401


def test_cancel_answers_access_denied(sandbox: Any) -> None:
    resp = requests.post(
        f"{sandbox.base_url}/naver/_consent",
        data={"redirect_uri": "http://shop.test/cb", "state": "s", "decision": "cancel"},
        allow_redirects=False,
        timeout=5,
    )
    assert parse_qs(urlsplit(resp.headers["Location"]).query)["error"] == ["access_denied"]


def test_google_id_token_is_signed_with_the_served_certificate(sandbox: Any) -> None:
    from cryptography import x509

    code = consent(sandbox.base_url, "google", nonce="n1")
    id_token = token(sandbox.base_url, code, "google").json()["id_token"]
    certs = requests.get(f"{sandbox.base_url}/google/oauth2/v1/certs", timeout=5).json()
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = x509.load_pem_x509_certificate(certs[kid].encode()).public_key()
    claims = jwt.decode(
        id_token, key, algorithms=["RS256"], audience="cid", issuer="https://accounts.google.com"
    )
    assert (claims["sub"], claims["nonce"]) == ("55", "n1")
