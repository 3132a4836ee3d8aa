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
import threading
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
#
# Anyone can post a token naming a key Kakao never had, so a key read must not follow from
# a token: reads are bounded shop-wide through the shared cache (one at a time, a failure
# remembered for SECURITY_EVENT_JWKS_RETRY_AFTER, an unknown kid read again at most once a
# minute) and, since that cache may be down, in each process too (the last key set read and
# the last failure stay in memory; concurrent requests share one read). A read is over by
# SECURITY_EVENT_JWKS_DEADLINE; the requests that find no usable key answer 503 at once.

JWKS_FAILED_KEY = "kakaosync:set:jwks:failed"
JWKS_FETCH_LOCK = "kakaosync:set:jwks:fetching"
REFRESH_INTERVAL = 60
SINGLE_FLIGHT_WAIT = 1.0  # seconds a request waits for another's read of the keys


class _ProcessKeys:
    """This process's last key set and failure, for one Kakao host (a changed
    ``KAKAOSYNC_AUTH_BASE_URL`` starts afresh)."""

    def __init__(self) -> None:
        self.single_flight = threading.Lock()
        self.source = ""
        self.jwks: dict[str, Any] | None = None
        self.fetched_at = 0.0
        self.failed_until = 0.0

    def for_source(self, source: str) -> _ProcessKeys:
        if source != self.source:
            self.source, self.jwks, self.fetched_at, self.failed_until = source, None, 0.0, 0.0
        return self


_process = _ProcessKeys()


def _shared(op: str, *args: Any) -> Any:
    """A call on the shared cache; a cache that raises counts as a miss (the process's own
    bounds then hold)."""
    try:
        return getattr(cache, op)(*args)
    except Exception as exc:  # any backend's outage: the cache only spares Kakao reads
        logger.debug("cache %s failed for kakao keys: %s", op, type(exc).__name__)
        return False if op == "add" else None


def forget_keys(*, shared: bool = True) -> None:
    """Forget Kakao's keys and a failed read (tests; an operator after fixing the host)."""
    with _process.single_flight:
        _process.for_source("")
    if shared:
        for key in (JWKS_CACHE_KEY, JWKS_REFRESH_LOCK, JWKS_FAILED_KEY, JWKS_FETCH_LOCK):
            _shared("delete", key)


def _fetch_jwks(until: float) -> dict[str, Any]:
    configuration = client.get_security_event_configuration(until=until)
    return client.get_jwks(configuration.jwks_uri, until=until)


def _known_jwks(keys: _ProcessKeys) -> dict[str, Any] | None:
    jwks = _shared("get", JWKS_CACHE_KEY)
    if isinstance(jwks, dict):
        return jwks
    fresh = time.monotonic() - keys.fetched_at < app_settings.SECURITY_EVENT_JWKS_CACHE_TIMEOUT
    return keys.jwks if keys.jwks is not None and fresh else None


def _await_shared_jwks(until: float) -> dict[str, Any] | None:
    """The key set another server is reading, once its read is over and on the shared cache
    (None by ``until``, or when the read failed)."""
    while time.monotonic() < until:
        time.sleep(0.05)
        if _shared("get", JWKS_FETCH_LOCK) is None:
            if _shared("get", JWKS_FAILED_KEY):
                return None
            jwks = _shared("get", JWKS_CACHE_KEY)
            return jwks if isinstance(jwks, dict) else None
    return None


def _read_keys(keys: _ProcessKeys) -> dict[str, Any]:
    """Read Kakao's key set now, unless a read failed lately or another one is under way
    (then :class:`client.KakaoUnavailable`, answered 503)."""
    retry_after = app_settings.SECURITY_EVENT_JWKS_RETRY_AFTER
    deadline = app_settings.SECURITY_EVENT_JWKS_DEADLINE
    asked = time.monotonic()
    if keys.failed_until > asked or _shared("get", JWKS_FAILED_KEY):
        raise client.KakaoUnavailable("Kakao's keys could not be read lately")
    # Concurrent requests of this process share the one read: a healthy Kakao answers
    # within the wait, a hanging one holds only the request that reads.
    if not keys.single_flight.acquire(timeout=min(deadline, SINGLE_FLIGHT_WAIT)):
        raise client.KakaoUnavailable("Kakao's keys are being read")
    try:
        if keys.fetched_at > asked and keys.jwks is not None:
            return keys.jwks  # read while this request waited
        if keys.failed_until > time.monotonic():
            raise client.KakaoUnavailable("Kakao's keys could not be read lately")
        # One read at a time across servers; the lock outlives a read by a second, so a
        # server that died reading does not stop the others for long.
        # A refused ``add`` with no lock to be seen is a cache that raises: this process's
        # single flight and remembered failure bound the reads then.
        if (
            not _shared("add", JWKS_FETCH_LOCK, 1, int(deadline) + 1)
            and _shared("get", JWKS_FETCH_LOCK) is not None
        ):
            # A healthy Kakao answers the other server within the wait: take its key set
            # from the shared cache rather than answering 503 to a burst on a cold cache.
            shared = _await_shared_jwks(asked + SINGLE_FLIGHT_WAIT)
            if shared is None:
                raise client.KakaoUnavailable("another server is reading Kakao's keys")
            keys.jwks, keys.fetched_at = shared, time.monotonic()
            return shared
        try:
            jwks = _fetch_jwks(time.monotonic() + deadline)
        except client.KakaoError as exc:
            keys.failed_until = time.monotonic() + retry_after
            _shared("set", JWKS_FAILED_KEY, 1, retry_after)
            logger.warning(
                "kakao security event keys not read (%s); not asked again for %s s",
                exc,
                retry_after,
            )
            raise
        finally:
            _shared("delete", JWKS_FETCH_LOCK)
        keys.jwks, keys.fetched_at = jwks, time.monotonic()
        _shared("set", JWKS_CACHE_KEY, jwks, app_settings.SECURITY_EVENT_JWKS_CACHE_TIMEOUT)
        return jwks
    finally:
        keys.single_flight.release()


def signing_key(kid: str) -> Any:
    """Kakao's public key ``kid``; Kakao's key set is read again when a new key shows up,
    at most once a minute across app servers (and per process while the cache is down).

    Raises :class:`client.KakaoError` when no key set can be had now (answered 503).
    """
    keys = _process.for_source(app_settings.AUTH_BASE_URL)
    jwks = _known_jwks(keys)
    key = client.key_of(jwks, kid) if jwks is not None else None
    if key is None and (jwks is None or _shared("add", JWKS_REFRESH_LOCK, 1, REFRESH_INTERVAL)):
        key = client.key_of(_read_keys(keys), kid)
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
    too_large = webhooks.Reply(413, webhooks.Body.ERROR)
    """413 with ``invalid_request``, unread and not recorded: a SET is a few kilobytes, and
    RFC 8935's 4xx tells the sender not to deliver it again."""

    def max_body(self) -> int:
        return app_settings.SECURITY_EVENT_MAX_BYTES

    def parse(self, request: HttpRequest) -> str:
        # Read at most one byte past the limit, whatever Content-Length claimed.
        limit = self.max_body()
        data = request.read(limit + 1)
        if len(data) > limit:
            return ""  # refused as an empty body: 400 invalid_request
        return data.decode("ascii", "replace").strip()

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
