"""Kakao's REST API: one function per call, plain dataclasses in and out.

Hosts come from ``KAKAOSYNC_AUTH_BASE_URL`` / ``KAKAOSYNC_API_BASE_URL`` at each call, so a
sandbox (or a test) can stand behind them. One session for the module (``store.http``),
explicit timeouts with ``KAKAOSYNC_TIMEOUT`` as each call's total deadline, and retries
only for reads (GET): a POST to Kakao (unlink, revoke) is never repeated, since the first
attempt may have been applied. Only the calls the shop makes are here; allauth's Kakao
provider makes the OAuth ones (token, user).

Every answer is untrusted: errors become a :class:`KakaoError` subclass carrying Kakao's
code (``KOE320``, ``-401``…) and the HTTP status, never the token.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
import requests
from django.utils.dateparse import parse_datetime

from store.http import DeadlineSession, new_session

from .app_settings import app_settings

logger = logging.getLogger(__name__)


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


# --- data -----------------------------------------------------------------------------


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
    until: float | None = None,
) -> dict[str, Any]:
    """One call to Kakao. ``until`` (monotonic seconds) bounds the whole call, retries
    included, instead of ``KAKAOSYNC_TIMEOUT`` per attempt: no attempt starts after it."""
    retries = max(0, app_settings.RETRIES) if method == "GET" else 0
    attempts = 1 + (retries if until is None else 0)
    last: KakaoError | None = None
    for attempt in range(1, attempts + 1):
        total = app_settings.TIMEOUT
        if until is not None:
            total = min(total, until - time.monotonic())
            if total <= 0:
                raise KakaoUnavailable(f"no time left to ask Kakao for {path}")
        try:
            resp = session().request(
                method,
                url,
                headers=headers,
                params=params,
                data=data,
                timeout=(min(3.0, total), total),
                deadline=total,
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


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


# --- calls ----------------------------------------------------------------------------


def get_service_terms(access_token: str, *, tags: list[str] | None = None) -> ServiceTerms:
    """``GET /v2/user/service_terms``: which of the shop's terms the user agreed to."""
    path = "/v2/user/service_terms"
    params = {"tags": ",".join(tags)} if tags else None
    body = _call("GET", _api(path), path=path, headers=_bearer(access_token), params=params)
    return _terms_from(body, path)


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


def get_security_event_configuration(*, until: float | None = None) -> SecurityEventConfiguration:
    """Kakao's security event (Shared Signals) metadata: its issuer and its JWKS address.

    ``until`` (monotonic seconds): every call made for it ends by then, without retries.
    """
    last: KakaoError | None = None
    for path in SECURITY_EVENT_CONFIGURATION_PATHS:
        try:
            url = app_settings.AUTH_BASE_URL + path
            body = _call("GET", url, path=path, headers={}, until=until)
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


def get_jwks(jwks_uri: str, *, until: float | None = None) -> dict[str, Any]:
    """The public keys Kakao signs security event tokens with (a JWK Set)."""
    path = urllib.parse.urlsplit(jwks_uri).path or "/"
    body = _call("GET", jwks_uri, path=path, headers={}, until=until)
    if not isinstance(body.get("keys"), list):
        raise KakaoInvalidResponse(f"Kakao's answer to {path} is not a JWK Set")
    return body


def key_of(jwks: dict[str, Any] | None, kid: str) -> Any | None:
    """The RS256 public key ``kid`` of a JWK Set from :func:`get_jwks`; None when the set
    has no such key or Kakao's entry for it is not a usable key."""
    for data in (jwks or {}).get("keys", []):
        if isinstance(data, dict) and data.get("kid") == kid:
            try:
                return jwt.PyJWK(data, algorithm="RS256").key
            except jwt.PyJWTError:
                return None
    return None
