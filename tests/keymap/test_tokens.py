"""JWTs and the user-details API: claims, partner_data, 401 for every bad token."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
import responses
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from keymap import jwt_tokens as tokens
from keymap.models import SigningKey

from .conftest import PARTNER, PATHS, answer

User = get_user_model()
SEED_KEYS = [
    "birthday", "country", "devices", "email", "external_id", "first_name", "gender", "groups",
    "id", "is_anonymous", "last_login", "last_name", "nickname", "phone", "phone_auth",
    "registered", "tag", "username",
]  # fmt: skip


def _token(client) -> str:
    response = client.post("/api/token")
    assert response.status_code == 200
    return response.json()["access_token"]


def _me(client, token: str):
    return client.get("/api/users/me", headers={"authorization": f"Bearer {token}"})


@pytest.fixture
def partner_session(client, partner):
    with responses.RequestsMock() as mock:
        mock.post(PARTNER + PATHS["user_authentication"], json=answer())
        client.post(reverse("account_login"), {"login": "gamer123", "password": "pw-12345"})
    return client


def test_token_carries_claims_and_partner_data(partner_session) -> None:
    token = _token(partner_session)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == SigningKey.objects.get().kid
    claims = tokens.decode(token)
    user = User.objects.get()
    assert claims["sub"] == str(user.pk) and claims["type"] == "partner"
    assert claims["aud"] == "django-social-store-api" and claims["iss"] == "django-social-store"
    assert claims["exp"] - claims["iat"] == 900
    assert claims["nickname"] == "gamer123" and claims["server_custom_id"] == "12345678"
    assert claims["birthday"] == "1990-05-15"
    assert claims["partner_data"]["loyalty_level"] == "gold"
    assert claims["partner_data"]["user_info"]["country"] == "US"


def test_users_me_has_the_seed_shape(partner_session) -> None:
    user = User.objects.get()
    user.groups.add(Group.objects.create(name="vip"))
    body = _me(partner_session, _token(partner_session)).json()
    assert sorted(body) == sorted(SEED_KEYS)
    assert body["nickname"] == "gamer123" and body["gender"] == "male"
    assert body["first_name"] == "John" and body["birthday"] == "1990-05-15"
    assert body["country"] is None and body["phone"] is None and body["tag"] is None
    assert body["groups"] == [{"id": user.groups.get().pk, "is_default": False, "name": "vip"}]
    assert body["is_anonymous"] is False and body["id"] == str(user.pk)


def test_jwks_publishes_the_key_and_verifies_with_it(partner_session) -> None:
    token = _token(partner_session)
    keys = partner_session.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1 and "d" not in keys[0]  # public part only
    public = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(token, public, algorithms=["RS256"], audience="django-social-store-api")
    assert claims["nickname"] == "gamer123"


def test_rotation_keeps_old_tokens_valid_until_retired(partner_session) -> None:
    old = _token(partner_session)
    old_kid = jwt.get_unverified_header(old)["kid"]
    tokens.rotate_key()
    new = _token(partner_session)
    assert jwt.get_unverified_header(new)["kid"] != old_kid
    assert _me(partner_session, old).status_code == 200
    assert len(partner_session.get("/.well-known/jwks.json").json()["keys"]) == 2
    tokens.retire_key(old_kid)
    assert _me(partner_session, old).status_code == 401
    assert _me(partner_session, new).status_code == 200


def _forge(claims: dict, header: dict) -> str:
    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{b64(header)}.{b64(claims)}."


def test_bad_tokens_get_401(partner_session) -> None:
    token = _token(partner_session)
    claims = tokens.decode(token)
    kid = jwt.get_unverified_header(token)["kid"]
    private = tokens._loaded_keys()[0][1]
    head, _body, sig = token.split(".")
    tampered_claims = {**claims, "sub": "999"}
    tampered = ".".join([head, _forge(tampered_claims, {}).split(".")[1], sig])
    expired = jwt.encode(
        {**claims, "iat": int(time.time()) - 4000, "exp": int(time.time()) - 3000},
        private,
        algorithm="RS256",
        headers={"kid": kid},
    )
    wrong_aud = jwt.encode(
        {**claims, "aud": "someone-else"}, private, algorithm="RS256", headers={"kid": kid}
    )
    none_alg = _forge(claims, {"alg": "none", "typ": "JWT", "kid": kid})
    hs_with_public = "x.y.z"
    for bad in (tampered, expired, wrong_aud, none_alg, hs_with_public, "", "garbage"):
        response = _me(partner_session, bad)
        assert response.status_code == 401, bad
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert partner_session.get("/api/users/me").status_code == 401


def test_hs256_when_configured(partner_session, settings) -> None:
    settings.KEYMAP_JWT_ALGORITHM = "HS256"
    settings.KEYMAP_JWT_HS256_SECRET = "s" * 40
    token = _token(partner_session)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert _me(partner_session, token).status_code == 200
    assert partner_session.get("/.well-known/jwks.json").json() == {"keys": []}
    # An RS256 token is not accepted while HS256 is configured (no algorithm confusion).
    settings.KEYMAP_JWT_ALGORITHM = "RS256"
    rs = _token(partner_session)
    settings.KEYMAP_JWT_ALGORITHM = "HS256"
    assert _me(partner_session, rs).status_code == 401


def test_user_id_session_sees_no_personal_data(client, partner) -> None:
    with responses.RequestsMock() as mock:
        mock.post(PARTNER + PATHS["user_authentication"], json=answer())
        client.post(reverse("account_login"), {"login": "gamer123", "password": "pw-12345"})
        client.logout()
        mock.post(PARTNER + PATHS["user_validation"], status=200)
        client.post(reverse("keymap:user_id_login"), {"user_id": "12345678"})
    token = _token(client)
    claims = tokens.decode(token)
    assert claims["type"] == "server_custom_id" and claims["restricted"] is True
    assert claims["nickname"] is None and claims["partner_data"] == {}
    assert claims["server_custom_id"] == "12345678"
    body = _me(client, token).json()
    assert body["nickname"] is None and body["username"] is None and body["birthday"] is None


def test_token_needs_a_session(client, db) -> None:
    assert client.post("/api/token").status_code == 401
    assert client.get("/api/token").status_code == 405


def test_token_is_csrf_protected(db) -> None:
    from django.test import Client

    user = User.objects.create_user("u", password="p")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.post("/api/token").status_code == 403
