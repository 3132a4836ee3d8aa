"""What a native app hands the shop after Kakao's SDK logged it in: checked against Kakao.

- An **access token** is Kakao's for whichever app asked for it: token information
  (``GET /v1/user/access_token_info``) names that app (``app_id``), and only the store's own
  App ID is accepted. Any other app's token would log its holder in as that Kakao user
  (token substitution).
- An **ID token** (OpenID Connect) is verified offline: RS256 signature with a key from
  Kakao's key set (found through its discovery document), ``iss`` (the Kakao OAuth host the
  shop talks to), ``aud`` one of the store's Kakao clients (REST API key, native app key),
  ``exp``/``iat``, and ``nonce``, which must be the one the app sent, and is taken once.

Kakao's key set is read through :mod:`kakaosync.client` (its deadline, its error types) and
kept in Django's cache, shared by every app server; a token naming a key the cached set
lacks reads the set again at most once a minute across servers, so made-up key IDs cannot
make the shop hammer Kakao.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jwt
from django.core.cache import cache

from sociallogin.app_tokens import TokenRefused, take_nonce

from . import client
from .app_settings import app_settings

__all__ = ["TokenRefused", "check_access_token", "profile_from_id_token", "verify_id_token"]

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
KEYS_CACHE_KEY = "kakaosync:oidc:keys:v1"
REFRESH_LOCK = "kakaosync:oidc:keys:refreshing"
REFRESH_INTERVAL = 60
# Kakao's ID tokens live for hours; a clock a little off on either side is tolerated.
LEEWAY = 60


@dataclass(frozen=True)
class TokenInfo:
    user_id: int
    app_id: int
    expires_in: int


# --- access tokens ---------------------------------------------------------------------


def token_info(access_token: str) -> TokenInfo:
    """Kakao's token information; :class:`client.KakaoAuthError` for a token Kakao does not
    know (expired, logged out, made up)."""
    path = "/v1/user/access_token_info"
    body = client._call("GET", client._api(path), path=path, headers=client._bearer(access_token))
    return TokenInfo(
        user_id=client._int(body, "id", path),
        app_id=client._int(body, "app_id", path),
        expires_in=client._int(body, "expires_in", path),
    )


def user_me(access_token: str) -> dict[str, Any]:
    """``/v2/user/me``: the same answer the web login's provider reads."""
    path = "/v2/user/me"
    return client._call("GET", client._api(path), path=path, headers=client._bearer(access_token))


def check_access_token(access_token: str, *, app_id: int | None) -> TokenInfo:
    """Token information of a token issued to the store's Kakao app ``app_id``, else
    :class:`TokenRefused`. Without an App ID configured, no access token is accepted."""
    if not app_id:
        raise TokenRefused(
            "no Kakao App ID configured (Kakao Sync settings): access tokens refused"
        )
    try:
        info = token_info(access_token)
    except client.KakaoAuthError as exc:
        raise TokenRefused(
            f"Kakao does not know the access token ({exc.code or exc.status})"
        ) from exc
    if info.app_id != app_id:
        raise TokenRefused(f"access token of another Kakao app (app_id {info.app_id})")
    return info


# --- ID tokens -------------------------------------------------------------------------


def _discover(until: float) -> str:
    path = DISCOVERY_PATH
    body = client._call(
        "GET", app_settings.AUTH_BASE_URL + path, path=path, headers={}, until=until
    )
    jwks_uri = body.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
        raise client.KakaoInvalidResponse(f"Kakao's answer to {path} has no usable jwks_uri")
    return jwks_uri


def _read_keys() -> dict[str, Any]:
    until = time.monotonic() + app_settings.SECURITY_EVENT_JWKS_DEADLINE
    jwks = client.get_jwks(_discover(until), until=until)
    entry = {"source": app_settings.AUTH_BASE_URL, "jwks": jwks}
    cache.set(KEYS_CACHE_KEY, entry, app_settings.SECURITY_EVENT_JWKS_CACHE_TIMEOUT)
    return jwks


def _cached_keys() -> dict[str, Any] | None:
    entry = cache.get(KEYS_CACHE_KEY)
    if isinstance(entry, dict) and entry.get("source") == app_settings.AUTH_BASE_URL:
        jwks = entry.get("jwks")
        return jwks if isinstance(jwks, dict) else None
    return None


def signing_key(kid: str) -> Any:
    """Kakao's public key ``kid``; raises :class:`TokenRefused` for a key Kakao does not
    publish and :class:`client.KakaoError` when the key set cannot be read now."""
    jwks = _cached_keys()
    key = client.key_of(jwks, kid)
    if key is None and (jwks is None or cache.add(REFRESH_LOCK, 1, REFRESH_INTERVAL)):
        key = client.key_of(_read_keys(), kid)
    if key is None:
        raise TokenRefused("ID token signed with a key Kakao does not publish")
    return key


def forget_keys() -> None:
    cache.delete_many([KEYS_CACHE_KEY, REFRESH_LOCK])


def verify_id_token(id_token: str, *, audiences: Iterable[str], nonce: Any) -> dict[str, Any]:
    """The claims of an ID token Kakao issued to one of ``audiences`` for this login, else
    :class:`TokenRefused` (:class:`client.KakaoError` when Kakao's keys cannot be read)."""
    audiences = [a for a in audiences if a]
    if not audiences:
        raise TokenRefused("no Kakao client configured")
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise TokenRefused("the ID token is not a JWT") from exc
    kid = header.get("kid")
    if header.get("alg") != "RS256" or not isinstance(kid, str) or not kid:
        raise TokenRefused(f"ID token with alg {header.get('alg')!r} or no kid")
    key = signing_key(kid)
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=audiences,
            issuer=app_settings.AUTH_BASE_URL,
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )
    except jwt.InvalidAudienceError as exc:
        raise TokenRefused("ID token issued to another Kakao app (aud)") from exc
    except jwt.PyJWTError as exc:
        raise TokenRefused(f"ID token refused: {type(exc).__name__}") from exc
    sub = claims.get("sub")
    if not (isinstance(sub, str) and sub.isascii() and sub.isdigit() and len(sub) <= 19):
        raise TokenRefused("ID token without a Kakao user ID")
    take_nonce(claims, nonce, required=True)
    return claims


def profile_from_id_token(claims: dict[str, Any]) -> dict[str, Any]:
    """A ``/v2/user/me``-shaped answer from an ID token alone (no access token given).

    Kakao's ID token does not say whether the email is verified and still valid, so it is
    not marked so.
    """
    account: dict[str, Any] = {}
    nickname = claims.get("nickname")
    if isinstance(nickname, str) and nickname:
        account["profile"] = {"nickname": nickname}
    email = claims.get("email")
    if isinstance(email, str) and email:
        account.update({"email": email, "is_email_verified": False, "is_email_valid": False})
    return {"id": int(claims["sub"]), "kakao_account": account}
