"""Kakao's security events: Security Event Tokens (RFC 8417) pushed to the shop (RFC 8935).

A SET is a JWT (``typ`` ``secevent+jwt``, RS256) signed with a key from Kakao's JWKS,
issued by Kakao's OAuth host for our REST API key. It is verified (signature, ``iss``,
``aud``, ``iat`` within ``KAKAOSYNC_SECURITY_EVENT_MAX_AGE``, ``jti`` never seen before),
recorded, and acted on in one transaction; the answer is 202 with no body, and each
failure is answered as ``SecurityEvents`` declares (400 with ``{"err", "description"}`` as
RFC 8935 asks for a refused token). An event type the shop does not act on is recorded and
accepted.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from store.client_ip import client_ip

from . import client, webhooks
from .app_settings import app_settings
from .conf import load_config
from .models import KakaoSyncMember, WebhookDelivery

logger = logging.getLogger(__name__)

Outcome = WebhookDelivery.Outcome
JWKS_CACHE_KEY = "kakaosync:set:jwks:v1"
JWKS_REFRESH_LOCK = "kakaosync:set:jwks:refreshing"
NAMESPACES = ("https://schemas.kakao.com/events/", "https://schemas.openid.net/secevent/")

# What the shop does for each event type (the last segment of its URI).
UNLINK = {"tokens-revoked": "TOKENS_REVOKED", "user-unlinked": "USER_UNLINKED"}
REVOKE_CREDENTIALS = {
    "account-disabled",
    "sessions-revoked",
    "credential-compromise",
    "credential-change",
}
CONSENT_WITHDRAWN = {"user-scope-withdraw"}
CONSENT_GIVEN = {"user-scope-consent"}
PROFILE_CHANGED = {"user-profile-changed"}
RECORDED_ONLY = {"user-linked", "account-enabled", "assurance-level-change"}


class Rejected(Exception):
    """The SET is refused; ``err`` is one of RFC 8935's error codes."""

    def __init__(self, err: str, description: str, outcome: str = Outcome.INVALID_TOKEN) -> None:
        super().__init__(description)
        self.err = err
        self.description = description
        self.outcome = outcome


@dataclass
class Answer:
    status: int
    outcome: str = Outcome.PROCESSED
    user_id: int | None = None
    events: list[str] = field(default_factory=list)


# --- keys -------------------------------------------------------------------------------


def _fetch_jwks() -> dict[str, Any]:
    configuration = client.get_security_event_configuration()
    jwks = client.get_jwks(configuration.jwks_uri)
    cache.set(JWKS_CACHE_KEY, jwks, app_settings.SECURITY_EVENT_JWKS_CACHE_TIMEOUT)
    return jwks


def _find_key(jwks: dict[str, Any], kid: str) -> Any | None:
    for data in jwks.get("keys", []):
        if isinstance(data, dict) and data.get("kid") == kid:
            try:
                return jwt.PyJWK(data, algorithm="RS256").key
            except jwt.PyJWTError:
                return None
    return None


def signing_key(kid: str) -> Any:
    """Kakao's public key ``kid``; Kakao's JWKS is fetched again when a new key shows up,
    at most once a minute across app servers."""
    jwks = cache.get(JWKS_CACHE_KEY)
    key = _find_key(jwks, kid) if jwks else None
    if key is None and (jwks is None or cache.add(JWKS_REFRESH_LOCK, 1, 60)):
        try:
            key = _find_key(_fetch_jwks(), kid)
        except client.KakaoError as exc:
            logger.warning("kakao security event keys not read: %s", exc)
            raise
    if key is None:
        raise Rejected("invalid_key", "unknown signing key")
    return key


# --- verification -----------------------------------------------------------------------


def _rest_api_key() -> str:
    from sociallogin.conf import get_config

    config = get_config("kakao")
    return config.client_id if config is not None else ""


def verify(token: str) -> dict[str, Any]:
    audience = _rest_api_key()
    if not audience:
        raise Rejected("access_denied", "Kakao login is not set up", Outcome.DISABLED)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Rejected("invalid_request", "not a JWT") from None
    if str(header.get("typ", "")).lower() != "secevent+jwt":
        raise Rejected("invalid_request", "typ is not secevent+jwt")
    if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
        raise Rejected("invalid_key", "RS256 with a kid is expected")
    key = signing_key(header["kid"])
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=audience,
            issuer=app_settings.AUTH_BASE_URL,
            leeway=app_settings.SECURITY_EVENT_LEEWAY,
            options={"require": ["iss", "aud", "iat", "jti", "events"]},
        )
    except jwt.InvalidAudienceError:
        raise Rejected("invalid_audience", "aud is not this app's REST API key") from None
    except jwt.InvalidIssuerError:
        raise Rejected("invalid_issuer", "iss is not Kakao") from None
    except jwt.InvalidSignatureError:
        raise Rejected("authentication_failed", "signature does not verify") from None
    except jwt.PyJWTError as exc:
        raise Rejected("invalid_request", type(exc).__name__) from None
    iat = claims["iat"]
    now = time.time()
    if not isinstance(iat, int | float) or iat > now + app_settings.SECURITY_EVENT_LEEWAY:
        raise Rejected("invalid_request", "iat is in the future")
    if iat < now - app_settings.SECURITY_EVENT_MAX_AGE:
        # Older than the window in which jti values are remembered: could be a replay.
        raise Rejected("invalid_request", "iat is too old")
    events = claims["events"]
    if not isinstance(events, dict) or not events:
        raise Rejected("invalid_request", "events is empty")
    if not isinstance(claims["jti"], str) or not 0 < len(claims["jti"]) <= 100:
        raise Rejected("invalid_request", "jti is not usable")
    return claims


def _subject(claims: dict[str, Any], payload: dict[str, Any]) -> int | None:
    """The Kakao app user ID the event is about (``sub``, ``sub_id`` or the event's
    ``subject``, as Shared Signals allows)."""
    candidates: list[Any] = [claims.get("sub")]
    for holder in (claims.get("sub_id"), payload.get("subject")):
        if isinstance(holder, dict):
            candidates += [holder.get("sub"), holder.get("id"), holder.get("user_id")]
    for value in candidates:
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
            number = int(value)
            if 0 < number < 2**63:
                return number
    return None


def _event_name(uri: str) -> str | None:
    if not uri.startswith(NAMESPACES):
        return None
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _tags(payload: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("scopes", "scope", "service_terms", "tags"):
        value = payload.get(key)
        if isinstance(value, str):
            found |= {v for v in value.replace(",", " ").split() if v}
        elif isinstance(value, list):
            found |= {str(v) for v in value if isinstance(v, str | int)}
    return found


# --- acting -----------------------------------------------------------------------------


def _user_of(uid: int) -> Any | None:
    from allauth.socialaccount.models import SocialAccount

    account = SocialAccount.objects.select_related("user").filter(provider="kakao", uid=str(uid))
    found = account.first()
    if found is not None:
        return found.user
    member = KakaoSyncMember.objects.select_related("user").filter(kakao_user_id=uid).first()
    return member.user if member is not None else None


def act(name: str, uid: int, payload: dict[str, Any]) -> tuple[str, int | None]:
    """One event's effect; returns (outcome, user pk)."""
    from . import terms

    if name in UNLINK:
        result = webhooks.end_kakao_link(uid, UNLINK[name])
        return result.outcome, result.user_id
    user = _user_of(uid)
    if user is None:
        return Outcome.UNKNOWN_USER, None
    if name in REVOKE_CREDENTIALS:
        from store.signals import credentials_revoked

        credentials_revoked.send(sender=KakaoSyncMember, user=user, reason=f"kakao {name}")
        return Outcome.PROCESSED, user.pk
    member = KakaoSyncMember.objects.select_related("user").filter(user=user).first()
    if name in CONSENT_WITHDRAWN | CONSENT_GIVEN:
        if member is None:
            return Outcome.UNKNOWN_USER, user.pk
        config = load_config()
        tags = _tags(payload)
        if name in CONSENT_WITHDRAWN:
            terms.apply_withdrawn(member, tags, config)
            if "phone_number" in tags:
                KakaoSyncMember.objects.filter(pk=member.pk).update(phone_consented=False)
        # A consent given is read from Kakao at the next login, with its agreed_at and
        # agreed_by: the event alone does not say which version the member agreed to.
        return Outcome.PROCESSED, user.pk
    if name in PROFILE_CHANGED:
        if member is None:
            return Outcome.UNKNOWN_USER, user.pk
        KakaoSyncMember.objects.filter(pk=member.pk).update(profile_changed_at=timezone.now())
        return Outcome.PROCESSED, user.pk
    return Outcome.IGNORED, user.pk


def _delivery(request: HttpRequest, answer: Answer, **fields: Any) -> WebhookDelivery:
    return WebhookDelivery(
        kind=WebhookDelivery.Kind.EVENTS,
        method=request.method or "",
        event=" ".join(answer.events)[:200],
        outcome=answer.outcome,
        status_code=answer.status,
        remote_addr=client_ip(request),
        **fields,
    )


def _act_on_all(claims: dict[str, Any], answer: Answer) -> set[int]:
    kakao_ids: set[int] = set()
    for uri, payload in claims["events"].items():
        payload = payload if isinstance(payload, dict) else {}
        name = _event_name(str(uri))
        uid = _subject(claims, payload)
        outcome: str = Outcome.IGNORED
        user_pk: int | None = None
        if uid is not None:
            kakao_ids.add(uid)
            if name is None or name in RECORDED_ONLY:
                user = _user_of(uid)
                user_pk = user.pk if user is not None else None
            else:
                outcome, user_pk = act(name, uid, payload)
        if answer.outcome == Outcome.IGNORED or outcome == Outcome.PROCESSED:
            answer.outcome = outcome
        answer.user_id = answer.user_id or user_pk
    return kakao_ids


def refuse(request: HttpRequest, exc: Rejected, status: int) -> None:
    """Record a refused token (up to a rate per remote address)."""
    answer = Answer(status, exc.outcome)
    if webhooks._record_refusal(request, "events"):
        _delivery(request, answer, details={"err": exc.err}).save()
    logger.warning("kakao security event refused: %s (%s)", exc.err, exc.description)


def receive(request: HttpRequest, claims: dict[str, Any]) -> Answer:
    """Act on and record one verified SET."""
    answer = Answer(202, Outcome.IGNORED, events=[str(u)[:200] for u in claims["events"]])
    try:
        with webhooks._writer_turn(), transaction.atomic():
            # The jti is written first: a token received before stops here, whatever the
            # order two copies arrive in.
            delivery = _delivery(request, answer, jti=claims["jti"], details=claims["events"])
            delivery.save()
            kakao_ids = _act_on_all(claims, answer)
            delivery.outcome = answer.outcome
            delivery.user_id = answer.user_id
            delivery.kakao_user_id = ",".join(str(i) for i in sorted(kakao_ids))[:30]
            delivery.save(update_fields=["outcome", "user", "kakao_user_id"])
    except IntegrityError:
        if not WebhookDelivery.objects.filter(jti=claims["jti"]).exists():
            raise  # another constraint: a fault of the shop, not a replay
        answer.outcome, answer.user_id = Outcome.REPLAYED, None
        _delivery(request, answer, details={"jti": claims["jti"]}).save()
        logger.warning("kakao security event %s received again: not acted on", claims["jti"])
        return answer
    logger.info("kakao security event %s: %s -> %s", claims["jti"], answer.events, answer.outcome)
    return answer


class SecurityEvents(webhooks.KakaoWebhookView[str]):
    """``/kakaosync/webhooks/events/``: Kakao's Security Event Tokens (RFC 8935 push)."""

    kind = "events"

    bad_signature = webhooks.Reply(400, webhooks.Body.ERROR)
    """400 with RFC 8935's error code and description: a token that is not Kakao's for our
    app (key, signature, issuer, audience) is refused as RFC 8935 asks, recorded up to a rate."""
    bad_body = webhooks.Reply(400, webhooks.Body.ERROR)
    """400 with ``invalid_request``: RFC 8935 answers a malformed token as a refused one."""
    keys_unavailable = webhooks.Reply(
        503, {"err": "temporarily_unavailable", "description": "keys unavailable"}
    )
    """503: Kakao's keys could not be read, a failure Kakao will deliver again."""
    handler_fault = webhooks.Reply(
        500, {"err": "temporarily_unavailable", "description": "the shop failed"}
    )
    """500, recorded: nothing was written (one transaction), so Kakao delivers the token
    again and its jti is still new."""

    def parse(self, request: HttpRequest) -> str:
        return request.body.decode("ascii", "replace").strip()

    def handle(self, request: HttpRequest, parsed: str) -> HttpResponse:
        try:
            if not parsed:
                raise Rejected("invalid_request", "empty body")
            claims = verify(parsed)
        except Rejected as exc:
            reply = self.bad_body if exc.err == "invalid_request" else self.bad_signature
            refuse(request, exc, reply.status_for(exc.outcome))
            return reply.render(exc.outcome, exc.err, exc.description)
        except client.KakaoError:
            return self.keys_unavailable.render(Outcome.ERROR)
        answer = receive(request, claims)
        return HttpResponse(status=answer.status)
