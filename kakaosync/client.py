"""Kakao's REST API: one function per call, plain dataclasses in and out.

Hosts come from ``KAKAOSYNC_AUTH_BASE_URL`` / ``KAKAOSYNC_API_BASE_URL`` at each call, so a
sandbox (or a test) can stand behind them. One session for the module (``store.http``),
explicit timeouts with ``KAKAOSYNC_TIMEOUT`` as each call's total deadline, and retries
only for reads (GET): a POST to Kakao (token, unlink, revoke, logout) is never repeated,
since the first attempt may have been applied.

Every answer is untrusted: errors become a :class:`KakaoError` subclass carrying Kakao's
code (``KOE320``, ``-401``…) and the HTTP status, never the token.
"""

from __future__ import annotations

import logging
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from django.utils.dateparse import parse_datetime

from store.http import DeadlineSession, new_session

from .app_settings import app_settings

logger = logging.getLogger("kakaosync.client")


# --- errors ---------------------------------------------------------------------------


class KakaoError(Exception):
    """Kakao answered with an error, or not at all, or with something unusable."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self) -> str:
        parts = [self.message]
        if self.code:
            parts.append(f"code={self.code}")
        if self.status is not None:
            parts.append(f"status={self.status}")
        return " ".join(parts)


class KakaoAPIError(KakaoError):
    """Kakao refused the request (4xx with a KOE code or a negative API code)."""


class KakaoAuthError(KakaoAPIError):
    """The token or key is not (or no longer) valid: 401, ``-401``, ``KOE010``…"""


class KakaoUnavailable(KakaoError):
    """Kakao could not be reached or failed (timeout, connection error, 5xx)."""


class KakaoInvalidResponse(KakaoError):
    """Kakao's answer was not the JSON we expect (not JSON, wrong types, fields missing)."""


class KakaoAccountMissing(KakaoInvalidResponse):
    """``/v2/user/me`` had no ``kakao_account``: no consent item can be read."""


# --- data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str = ""
    refresh_token_expires_in: int | None = None
    scope: tuple[str, ...] = ()
    id_token: str = ""

    def __repr__(self) -> str:  # tokens never in logs or tracebacks
        return f"Token(token_type={self.token_type!r}, expires_in={self.expires_in})"


@dataclass(frozen=True)
class KakaoAccount:
    """``kakao_account`` of ``/v2/user/me``: a field is None when the user did not agree."""

    nickname: str | None = None
    profile_image_url: str | None = None
    name: str | None = None
    email: str | None = None
    is_email_valid: bool | None = None
    is_email_verified: bool | None = None
    age_range: str | None = None
    birthyear: str | None = None
    birthday: str | None = None
    birthday_type: str | None = None
    gender: str | None = None
    phone_number: str | None = None
    needs_agreement: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class KakaoUser:
    id: int
    account: KakaoAccount
    connected_at: datetime | None = None
    synched_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class ServiceTerm:
    tag: str
    required: bool
    agreed: bool
    revocable: bool = False
    agreed_at: datetime | None = None
    agreed_by: str = ""


@dataclass(frozen=True)
class ServiceTerms:
    user_id: int
    terms: tuple[ServiceTerm, ...]


@dataclass(frozen=True)
class ChannelRelation:
    channel_public_id: str
    relation: str  # ADDED | BLOCKED | NONE
    channel_uuid: str = ""
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ChannelRelations:
    user_id: int
    channels: tuple[ChannelRelation, ...]

    def relation_to(self, channel_public_id: str) -> str:
        for channel in self.channels:
            if channel.channel_public_id == channel_public_id:
                return channel.relation
        return "NONE"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    expires_in: int
    app_id: int


# --- transport ------------------------------------------------------------------------

_session: DeadlineSession | None = None


def session() -> DeadlineSession:
    """The module's one session (connection pooling to Kakao's two hosts)."""
    global _session
    if _session is None:
        _session = new_session(
            deadline=app_settings.TIMEOUT,
            user_agent="django-social-store kakaosync",
            pool_maxsize=32,
        )
    return _session


def _timeout() -> tuple[float, float]:
    total = app_settings.TIMEOUT
    return (min(3.0, total), total)


def _error_from(resp: requests.Response, path: str) -> KakaoError:
    code = ""
    message = f"Kakao answered {resp.status_code} to {path}"
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        # kauth: {"error", "error_description", "error_code": "KOE320"}
        # kapi:  {"msg", "code": -401}
        code = str(body.get("error_code") or body.get("code") or body.get("error") or "")
        detail = body.get("error_description") or body.get("msg")
        if isinstance(detail, str) and detail:
            message = f"{message}: {detail[:200]}"
    if resp.status_code >= 500:
        return KakaoUnavailable(message, status=resp.status_code, code=code)
    if resp.status_code == 401 or code in {"-401", "KOE010", "KOE401", "invalid_client"}:
        return KakaoAuthError(message, status=resp.status_code, code=code)
    return KakaoAPIError(message, status=resp.status_code, code=code)


def _call(
    method: str,
    url: str,
    *,
    path: str,
    headers: dict[str, str],
    params: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    attempts = 1 + (max(0, app_settings.RETRIES) if method == "GET" else 0)
    last: KakaoError | None = None
    for attempt in range(1, attempts + 1):
        try:
            resp = session().request(
                method,
                url,
                headers=headers,
                params=params,
                data=data,
                timeout=_timeout(),
                deadline=app_settings.TIMEOUT,
            )
        except requests.Timeout:
            last = KakaoUnavailable(f"Kakao did not answer {path} in time")
        except requests.RequestException as exc:
            last = KakaoUnavailable(f"Kakao could not be reached for {path}: {type(exc).__name__}")
        else:
            if resp.status_code >= 400:
                last = _error_from(resp, path)
                if not isinstance(last, KakaoUnavailable):
                    break
            else:
                try:
                    body = resp.json()
                except ValueError:
                    last = KakaoInvalidResponse(
                        f"Kakao's answer to {path} is not JSON", status=resp.status_code
                    )
                    break
                if not isinstance(body, dict):
                    last = KakaoInvalidResponse(
                        f"Kakao's answer to {path} is not a JSON object", status=resp.status_code
                    )
                    break
                return body
        if attempt < attempts:
            logger.info("kakao %s %s failed (%s), retrying", method, path, last)
    assert last is not None
    logger.warning("kakao %s %s failed: %s", method, path, last)
    raise last


def _bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def _admin(admin_key: str) -> dict[str, str]:
    return {"Authorization": f"KakaoAK {admin_key}"}


def _api(path: str) -> str:
    return app_settings.API_BASE_URL + path


# --- parsing helpers ------------------------------------------------------------------


def _int(body: dict[str, Any], key: str, path: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        # Kakao's ids are JSON numbers; a numeric string is tolerated, nothing else.
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        raise KakaoInvalidResponse(f"Kakao's answer to {path} has no valid {key!r}")
    return value


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


# --- calls ----------------------------------------------------------------------------


def request_token(
    *, client_id: str, redirect_uri: str, code: str, client_secret: str = ""
) -> Token:
    """``POST /oauth/token``: exchange an authorization code (never retried)."""
    path = "/oauth/token"
    data = {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code": code,
    }
    if client_secret:
        data["client_secret"] = client_secret
    body = _call(
        "POST",
        app_settings.AUTH_BASE_URL + path,
        path=path,
        headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
        data=data,
    )
    access_token = body.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise KakaoInvalidResponse("Kakao's token answer has no access_token")
    scope = body.get("scope")
    return Token(
        access_token=access_token,
        token_type=str(body.get("token_type") or "bearer"),
        expires_in=_int(body, "expires_in", path) if "expires_in" in body else 0,
        refresh_token=str(body.get("refresh_token") or ""),
        refresh_token_expires_in=(
            body["refresh_token_expires_in"]
            if isinstance(body.get("refresh_token_expires_in"), int)
            else None
        ),
        scope=tuple(s for s in scope.replace(",", " ").split() if s)
        if isinstance(scope, str)
        else (),
        id_token=str(body.get("id_token") or ""),
    )


_ACCOUNT_FIELDS = (
    "name",
    "email",
    "age_range",
    "birthyear",
    "birthday",
    "birthday_type",
    "gender",
    "phone_number",
)


def parse_user(body: dict[str, Any], *, require_account: bool = True) -> KakaoUser:
    """A ``/v2/user/me`` answer as a :class:`KakaoUser` (also used on allauth's extra_data)."""
    path = "/v2/user/me"
    user_id = _int(body, "id", path)
    account = body.get("kakao_account")
    if not isinstance(account, dict):
        if require_account:
            raise KakaoAccountMissing("Kakao's user answer has no kakao_account")
        account = {}
    profile = account.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    needs = {
        key[: -len("_needs_agreement")]: value
        for key, value in account.items()
        if key.endswith("_needs_agreement") and isinstance(value, bool)
    }
    values: dict[str, Any] = {name: _str_or_none(account.get(name)) for name in _ACCOUNT_FIELDS}
    return KakaoUser(
        id=user_id,
        account=KakaoAccount(
            nickname=_str_or_none(profile.get("nickname")),
            profile_image_url=_str_or_none(profile.get("profile_image_url")),
            is_email_valid=_bool_or_none(account.get("is_email_valid")),
            is_email_verified=_bool_or_none(account.get("is_email_verified")),
            needs_agreement=needs,
            **values,
        ),
        connected_at=parse_time(body.get("connected_at")),
        synched_at=parse_time(body.get("synched_at")),
        raw=body,
    )


def get_user(access_token: str) -> KakaoUser:
    """``GET /v2/user/me``."""
    path = "/v2/user/me"
    body = _call("GET", _api(path), path=path, headers=_bearer(access_token))
    return parse_user(body)


def get_service_terms(access_token: str, *, tags: list[str] | None = None) -> ServiceTerms:
    """``GET /v2/user/service_terms``: which of the shop's terms the user agreed to."""
    path = "/v2/user/service_terms"
    params = {"tags": ",".join(tags)} if tags else None
    body = _call("GET", _api(path), path=path, headers=_bearer(access_token), params=params)
    raw_terms = body.get("service_terms", [])
    if not isinstance(raw_terms, list):
        raise KakaoInvalidResponse(f"Kakao's answer to {path} has no service_terms list")
    terms = []
    for item in raw_terms:
        if not isinstance(item, dict) or not isinstance(item.get("tag"), str):
            raise KakaoInvalidResponse(f"Kakao's answer to {path} has a malformed term")
        terms.append(
            ServiceTerm(
                tag=item["tag"],
                required=item.get("required") is True,
                agreed=item.get("agreed") is True,
                revocable=item.get("revocable") is True,
                agreed_at=parse_time(item.get("agreed_at")),
                agreed_by=str(item.get("agreed_by") or ""),
            )
        )
    return ServiceTerms(user_id=_int(body, "id", path), terms=tuple(terms))


def revoke_service_terms(access_token: str, tags: list[str]) -> list[str]:
    """``POST /v2/user/revoke/service_terms``; returns the tags Kakao revoked."""
    path = "/v2/user/revoke/service_terms"
    body = _call(
        "POST", _api(path), path=path, headers=_bearer(access_token), data={"tags": ",".join(tags)}
    )
    revoked = body.get("revoked_service_terms", [])
    if not isinstance(revoked, list):
        raise KakaoInvalidResponse(f"Kakao's answer to {path} is malformed")
    return [str(t.get("tag")) for t in revoked if isinstance(t, dict) and t.get("tag")]


def _channels(body: dict[str, Any], path: str) -> ChannelRelations:
    raw = body.get("channels", [])
    if not isinstance(raw, list):
        raise KakaoInvalidResponse(f"Kakao's answer to {path} has no channels list")
    channels = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("channel_public_id"), str):
            raise KakaoInvalidResponse(f"Kakao's answer to {path} has a malformed channel")
        relation = item.get("relation")
        if relation not in {"ADDED", "BLOCKED", "NONE"}:
            raise KakaoInvalidResponse(f"Kakao's answer to {path} has an unknown relation")
        channels.append(
            ChannelRelation(
                channel_public_id=item["channel_public_id"],
                relation=relation,
                channel_uuid=str(item.get("channel_uuid") or ""),
                updated_at=parse_time(item.get("updated_at")),
            )
        )
    return ChannelRelations(user_id=_int(body, "user_id", path), channels=tuple(channels))


def get_channels(
    access_token: str, *, channel_public_ids: list[str] | None = None
) -> ChannelRelations:
    """The user's relation to Kakao Talk Channels.

    With ids, the v2 call asks about exactly those channels; without, v1 lists every channel
    of the app.
    """
    if channel_public_ids:
        path = "/v2/api/talk/channels"
        params = {
            "channel_ids": ",".join(channel_public_ids),
            "channel_id_type": "channel_public_id",
        }
        body = _call("GET", _api(path), path=path, headers=_bearer(access_token), params=params)
    else:
        path = "/v1/api/talk/channels"
        body = _call("GET", _api(path), path=path, headers=_bearer(access_token))
    return _channels(body, path)


def unlink(access_token: str) -> int:
    """``POST /v1/user/unlink`` with the user's token; returns the unlinked user id."""
    path = "/v1/user/unlink"
    body = _call("POST", _api(path), path=path, headers=_bearer(access_token))
    return _int(body, "id", path)


def unlink_user(*, admin_key: str, user_id: int | str) -> int:
    """``POST /v1/user/unlink`` with the admin key, for a user who is not present."""
    path = "/v1/user/unlink"
    body = _call(
        "POST",
        _api(path),
        path=path,
        headers=_admin(admin_key),
        data={"target_id_type": "user_id", "target_id": str(user_id)},
    )
    return _int(body, "id", path)


def logout(access_token: str) -> int:
    """``POST /v1/user/logout``: expires the user's tokens."""
    path = "/v1/user/logout"
    body = _call("POST", _api(path), path=path, headers=_bearer(access_token))
    return _int(body, "id", path)


def access_token_info(access_token: str) -> TokenInfo:
    """``GET /v1/user/access_token_info``: whose token, for which app, valid how long."""
    path = "/v1/user/access_token_info"
    body = _call("GET", _api(path), path=path, headers=_bearer(access_token))
    return TokenInfo(
        id=_int(body, "id", path),
        expires_in=_int(body, "expires_in", path),
        app_id=_int(body, "app_id", path),
    )


def _terms_from(body: dict[str, Any], path: str) -> ServiceTerms:
    raw_terms = body.get("service_terms", [])
    if not isinstance(raw_terms, list):
        raise KakaoInvalidResponse(f"Kakao's answer to {path} has no service_terms list")
    terms = []
    for item in raw_terms:
        if not isinstance(item, dict) or not isinstance(item.get("tag"), str):
            raise KakaoInvalidResponse(f"Kakao's answer to {path} has a malformed term")
        terms.append(
            ServiceTerm(
                tag=item["tag"],
                required=item.get("required") is True,
                agreed=item.get("agreed") is True,
                revocable=item.get("revocable") is True,
                agreed_at=parse_time(item.get("agreed_at")),
                agreed_by=str(item.get("agreed_by") or ""),
            )
        )
    return ServiceTerms(user_id=_int(body, "id", path), terms=tuple(terms))


def get_member_service_terms(
    *, admin_key: str, user_id: int | str, tags: list[str] | None = None
) -> ServiceTerms:
    """``GET /v2/user/service_terms`` from the server (admin key), for a member who is
    not logging in right now."""
    path = "/v2/user/service_terms"
    params = {"target_id_type": "user_id", "target_id": str(user_id)}
    if tags:
        params["tags"] = ",".join(tags)
    body = _call("GET", _api(path), path=path, headers=_admin(admin_key), params=params)
    return _terms_from(body, path)


def revoke_member_service_terms(
    *, admin_key: str, user_id: int | str, tags: list[str]
) -> list[str]:
    """``POST /v2/user/revoke/service_terms`` with the admin key: the shop withdraws a
    member's consent at Kakao (only terms Kakao reports ``revocable``)."""
    path = "/v2/user/revoke/service_terms"
    body = _call(
        "POST",
        _api(path),
        path=path,
        headers=_admin(admin_key),
        data={"target_id_type": "user_id", "target_id": str(user_id), "tags": ",".join(tags)},
    )
    revoked = body.get("revoked_service_terms", [])
    if not isinstance(revoked, list):
        raise KakaoInvalidResponse(f"Kakao's answer to {path} is malformed")
    return [str(t.get("tag")) for t in revoked if isinstance(t, dict) and t.get("tag")]


@dataclass(frozen=True)
class SecurityEventConfiguration:
    issuer: str
    jwks_uri: str


# Kakao's documentation names the metadata call without, in what we could read, showing
# the path; OpenID Shared Signals defines ``ssf-configuration`` and its draft predecessor
# ``sse-configuration``: the first that answers is taken.
SECURITY_EVENT_CONFIGURATION_PATHS = (
    "/.well-known/ssf-configuration",
    "/.well-known/sse-configuration",
)


def get_security_event_configuration() -> SecurityEventConfiguration:
    """Kakao's security event (Shared Signals) metadata: its issuer and its JWKS address."""
    last: KakaoError | None = None
    for path in SECURITY_EVENT_CONFIGURATION_PATHS:
        try:
            body = _call("GET", app_settings.AUTH_BASE_URL + path, path=path, headers={})
        except KakaoAPIError as exc:
            if exc.status != 404:
                raise
            last = exc
            continue
        issuer, jwks_uri = body.get("issuer"), body.get("jwks_uri")
        if not isinstance(issuer, str) or not isinstance(jwks_uri, str):
            raise KakaoInvalidResponse(f"Kakao's answer to {path} has no issuer or jwks_uri")
        if not jwks_uri.startswith(("https://", "http://")):
            raise KakaoInvalidResponse(f"Kakao's answer to {path} has an unusable jwks_uri")
        return SecurityEventConfiguration(issuer=issuer, jwks_uri=jwks_uri)
    assert last is not None
    raise last


def get_jwks(jwks_uri: str) -> dict[str, Any]:
    """The public keys Kakao signs security event tokens with (a JWK Set)."""
    path = urllib.parse.urlsplit(jwks_uri).path or "/"
    body = _call("GET", jwks_uri, path=path, headers={})
    if not isinstance(body.get("keys"), list):
        raise KakaoInvalidResponse(f"Kakao's answer to {path} is not a JWK Set")
    return body
