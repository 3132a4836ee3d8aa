"""The shop's JWTs (pyjwt): RS256 with rotatable keys published as JWKS, or HS256.

Claims: ``iss``, ``sub``, ``aud``, ``iat``, ``exp``, ``jti``, ``sid`` (the session it was
given to, so that the session's logout revokes it: a keyed hash, never the session key),
``type`` (how the session logged in: ``store``, a provider id, ``partner``,
``server_custom_id``), the mapped profile attributes and ``partner_data`` (the partner's
last answer). A user-ID session gets none of the personal ones until a stronger login.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from store.login_strength import USER_ID_LOGIN_TYPE, LoginStrength, Strength
from store.singleton import VersionedCache

from . import revocation
from .app_settings import app_settings
from .models import SigningKey

PERSONAL_CLAIMS = ("birthday", "nickname", "first_name", "last_name", "gender", "email")


class InvalidToken(Exception):
    pass


# --- keys ---------------------------------------------------------------------------------


def _new_key() -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    kid = uuid.uuid4().hex[:16]
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    return SigningKey(kid=kid, private_key=pem, public_jwk=jwk)


def rotate_key() -> SigningKey:
    """A new signing key; older keys stay published so their tokens still verify."""
    key = _new_key()
    key.save()
    _keys.invalidate()
    return key


def retire_key(kid: str) -> None:
    SigningKey.objects.filter(kid=kid).update(active=False)
    _keys.invalidate()


def _parse_keys() -> list[tuple[str, Any, Any]]:
    rows = list(SigningKey.objects.filter(active=True).order_by("-created_at", "-pk"))
    if not rows:
        # The first key is made on first use; this build already reads it.
        rows = [_new_key()]
        rows[0].save()
    return [
        (
            row.kid,
            serialization.load_pem_private_key(row.private_key.encode(), password=None),
            RSAAlgorithm.from_jwk(json.dumps(row.public_jwk)),
        )
        for row in rows
    ]


_keys = VersionedCache("keymap:jwt:keys:v2", _parse_keys, lambda: 3600)


def _loaded_keys() -> list[tuple[str, Any, Any]]:
    """[(kid, private key, public key)], newest first; parsed once per process and version."""
    return _keys.get()


def jwks() -> dict[str, Any]:
    if app_settings.JWT_ALGORITHM != "RS256":
        return {"keys": []}
    _loaded_keys()
    return {
        "keys": list(
            SigningKey.objects.filter(active=True)
            .order_by("-created_at", "-pk")
            .values_list("public_jwk", flat=True)
        )
    }


# --- claims and tokens ------------------------------------------------------------------------


def profile_claims(user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(mapped attributes, partner_data) of a customer, ``None`` where unknown."""
    from store.services.customers import get_customer

    customer = get_customer(user)
    link = getattr(user, "partner_link", None)
    return (
        {
            "birthday": customer.birthday.isoformat() if customer.birthday else None,
            "nickname": customer.nickname or None,
            "first_name": getattr(user, "first_name", "") or None,
            "last_name": getattr(user, "last_name", "") or None,
            "gender": customer.gender or None,
            "email": getattr(user, "email", "") or None,
            "server_custom_id": link.server_custom_id if link else None,
        },
        dict(link.partner_data) if link and link.partner_data else {},
    )


def build_claims(
    sub: str,
    *,
    login_type: str,
    attributes: dict[str, Any],
    partner_data: dict[str, Any],
    restricted: bool = False,
    session_id: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    now = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "iss": app_settings.JWT_ISSUER,
        "sub": sub,
        "aud": app_settings.JWT_AUDIENCE,
        "iat": now,
        "exp": now + app_settings.JWT_LIFETIME,
        "jti": uuid.uuid4().hex,
        "type": login_type,
    }
    if session_id is not None:
        claims["sid"] = session_id
    for name, value in attributes.items():
        claims[name] = None if restricted and name in PERSONAL_CLAIMS else value
    claims["partner_data"] = {} if restricted else partner_data
    if restricted:
        claims["restricted"] = True
    return claims


def issue(user: Any, strength: LoginStrength, *, session_id: str | None = None) -> tuple[str, dict]:
    """A token for a session of ``user`` that logged in with ``strength``.

    The strength decides the personal claims, not the caller: a user-ID-only login gets a
    restricted token (``restricted: true``, no personal claims, no ``partner_data``).
    ``session_id`` (:func:`keymap.revocation.session_token_id`) is what its logout revokes;
    :func:`verify` refuses a token without one.
    """
    restricted = strength.strength <= Strength.USER_ID
    attributes, partner_data = profile_claims(user)
    claims = build_claims(
        str(user.pk),
        login_type=strength.login_type,
        attributes=attributes,
        partner_data=partner_data,
        restricted=restricted,
        session_id=session_id,
    )
    return encode(claims), claims


def encode(claims: dict[str, Any]) -> str:
    if app_settings.JWT_ALGORITHM == "HS256":
        return jwt.encode(claims, app_settings.JWT_HS256_SECRET, algorithm="HS256")
    kid, private, _public = _loaded_keys()[0]
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


def is_restricted(claims: dict[str, Any]) -> bool:
    """Whether a token's holder logged in by user ID only (no personal data for it)."""
    return bool(claims.get("restricted")) or claims.get("type") == USER_ID_LOGIN_TYPE


def decode(token: str) -> dict[str, Any]:
    """Verified claims; :class:`InvalidToken` for anything else (expired, tampered, ``none``)."""
    common: dict[str, Any] = {
        "audience": app_settings.JWT_AUDIENCE,
        "issuer": app_settings.JWT_ISSUER,
        "leeway": app_settings.JWT_LEEWAY,
        "options": {"require": ["exp", "iat", "iss", "aud", "sub", "type", "sid"]},
    }
    try:
        if app_settings.JWT_ALGORITHM == "HS256":
            return jwt.decode(token, app_settings.JWT_HS256_SECRET, algorithms=["HS256"], **common)
        header = jwt.get_unverified_header(token)
        kid = header.get("kid")
        for key_id, _private, public in _loaded_keys():
            if key_id == kid:
                return jwt.decode(token, public, algorithms=["RS256"], **common)
        raise InvalidToken("unknown key")
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from None


def verify(token: str) -> dict[str, Any]:
    """Claims of a token still to be accepted: :func:`decode`, and neither its session
    logged out nor its customer's credentials revoked since it was issued."""
    claims = decode(token)
    if revocation.is_token_revoked(claims):
        raise InvalidToken("revoked")
    return claims
