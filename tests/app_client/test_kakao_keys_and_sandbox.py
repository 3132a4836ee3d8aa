"""Kakao's OIDC keys as the shop reads them (Django's cache, bounded re-reads), and the
Kakao sandbox's app side that the app-client tests stand on."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
import requests
from django.core.cache import cache

from kakaosync import oidc

from .client import AppClient, kakao_sdk_login
from .conftest import APP_ID, NATIVE_KEY

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sandbox_plays_kakaos_app_side(kakao_sandbox: Any) -> None:
    base = kakao_sandbox.base_url
    discovery = requests.get(base + "/.well-known/openid-configuration", timeout=5).json()
    assert discovery["issuer"] == base and discovery["jwks_uri"] == base + "/.well-known/jwks.json"
    keys = requests.get(discovery["jwks_uri"], timeout=5).json()["keys"]

    ours = kakao_sdk_login(base, nonce="n-1")
    header = jwt.get_unverified_header(ours.id_token)
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == header["kid"])).key
    claims = jwt.decode(ours.id_token, key, algorithms=["RS256"], audience=NATIVE_KEY)
    assert (claims["iss"], claims["sub"], claims["nonce"]) == (base, "1001", "n-1")
    info = requests.get(
        base + "/v1/user/access_token_info",
        headers={"Authorization": f"Bearer {ours.access_token}"},
        timeout=5,
    ).json()
    assert info["app_id"] == APP_ID and info["id"] == 1001

    other = kakao_sdk_login(base, app="other")
    info = requests.get(
        base + "/v1/user/access_token_info",
        headers={"Authorization": f"Bearer {other.access_token}"},
        timeout=5,
    ).json()
    assert info["app_id"] != APP_ID
    assert jwt.decode(other.id_token, options={"verify_signature": False})["aud"] != NATIVE_KEY
    forged = kakao_sdk_login(base, signing="foreign")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged.id_token, key, algorithms=["RS256"], audience=NATIVE_KEY)


def test_keys_are_read_once_and_unknown_kids_do_not_hammer_kakao(
    app: AppClient, native_client: Any, sandbox: Any, monkeypatch: Any
) -> None:
    reads: list[int] = []
    real = oidc._read_keys

    def counted() -> Any:
        reads.append(1)
        return real()

    monkeypatch.setattr(oidc, "_read_keys", counted)
    for _ in range(2):
        sdk = kakao_sdk_login(sandbox.base_url)
        token = {"client_id": NATIVE_KEY, "id_token": sdk.id_token, "nonce": sdk.nonce}
        assert AppClient(app.base_url).provider_token("kakao", token).status_code == 200
    assert len(reads) == 1 and cache.get(oidc.KEYS_CACHE_KEY)

    # Tokens naming keys Kakao never had: one re-read per minute, however many arrive.
    sdk = kakao_sdk_login(sandbox.base_url)
    for n in range(3):
        made_up = jwt.encode(
            jwt.decode(sdk.id_token, options={"verify_signature": False}),
            sandbox.signing_key,
            algorithm="RS256",
            headers={"kid": f"made-up-{n}"},
        )
        resp = AppClient(app.base_url).provider_token(
            "kakao", {"client_id": NATIVE_KEY, "id_token": made_up, "nonce": sdk.nonce}
        )
        assert resp.status_code == 400
    assert len(reads) == 2
