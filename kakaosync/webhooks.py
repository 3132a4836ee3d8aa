"""Kakao's inbound webhooks: one base view (parse, then verify, act and record) on which
each endpoint declares how it answers each kind of failure; the unlink (a user left our app
at Kakao) and channel (added / blocked) endpoints. The security events endpoint is in
``security_events``.

Verification first (admin key in constant time, then the App ID), then a short piece of
work in one transaction, then the answer: Kakao wants 200 within 3 seconds, also for a
user we do not know, and pauses a webhook that keeps failing. Every delivery is recorded,
forged ones included (without the key they carried), up to a number of refused calls per
minute and remote address.
"""

from __future__ import annotations

import contextlib
import enum
import hmac
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from store import ratelimit
from store.client_ip import client_ip

from .app_settings import app_settings
from .conf import load_config
from .models import ChannelStatus, KakaoSyncMember, WebhookDelivery

logger = logging.getLogger(__name__)

UNLINK_REFERRERS = {
    "UNLINK_FROM_APPS",
    "UNLINK_FROM_ADMIN",
    "ACCOUNT_DELETE",
    "FORCED_ACCOUNT_DELETE",
    "INCOMPLETE_SIGN_UP",
}
CHANNEL_EVENTS = {"added": ChannelStatus.ADDED, "blocked": ChannelStatus.BLOCKED}

Outcome = WebhookDelivery.Outcome
LOCK_ATTEMPTS = 3


@dataclass
class Result:
    status: int
    outcome: str
    user_id: int | None = None


class BadBody(Exception):
    """The delivery's parameters are not what Kakao sends; raised before any write."""

    def __init__(self, outcome: str = Outcome.BAD_REQUEST) -> None:
        super().__init__(outcome)
        self.outcome = outcome


def verify(request: HttpRequest, params: dict[str, str], *, check_app: bool) -> str | None:
    """None when the call carries our admin key (and App ID); else the refusal's outcome."""
    config = load_config()
    # Kakao Sync switched off later still has customers linked to the Kakao app: their
    # unlinks are honoured as long as the admin key is stored.
    if not config.admin_key_token:
        return Outcome.DISABLED
    header = request.headers.get("Authorization", "")
    scheme, _sep, given = header.partition(" ")
    expected = str(config.admin_key)
    if scheme != "KakaoAK" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return Outcome.UNAUTHORIZED
    if check_app and params.get("app_id", "") != str(config.app_id):
        return Outcome.WRONG_APP
    return None


def record(
    request: HttpRequest, kind: str, params: dict[str, str], result: Result, event_key: str
) -> None:
    WebhookDelivery.objects.create(
        kind=kind,
        method=request.method or "",
        app_id=params.get("app_id", "")[:30],
        kakao_user_id=params.get("user_id", params.get("id", ""))[:30],
        event=params.get(event_key, "")[:40],
        group_user_token=params.get("group_user_token", "")[:200],
        outcome=result.outcome,
        status_code=result.status,
        user_id=result.user_id,
        remote_addr=client_ip(request),
    )
    level = logging.INFO if result.status == 200 else logging.WARNING
    logger.log(
        level,
        "kakao %s webhook: %s %s user=%s -> %s %s",
        kind,
        params.get(event_key, "-")[:40],
        params.get("app_id", "-")[:30],
        params.get("user_id", params.get("id", "-"))[:30],
        result.status,
        result.outcome,
    )


def _record_refusal(request: HttpRequest, kind: str) -> bool:
    """Whether a refused call is written: at most N a minute per remote address.

    Kakao's genuine deliveries carry the admin key and are never refused, so the cap only
    bounds what a forger can make the shop write (rows, and turns at SQLite's write lock
    that Kakao's deliveries would wait behind). One cache round trip, no database.
    """
    limit = app_settings.REFUSED_DELIVERIES_RECORDED_PER_MINUTE
    address = client_ip(request) or "-"
    # The window opens with the address's first refused call and lasts a minute.
    count = ratelimit.count(f"kakaosync:refused-{kind}", address, period=60)
    if count == limit + 1:
        logger.warning(
            "kakao %s webhook: more than %s refused calls within a minute from %s; "
            "further ones in that minute are refused without being recorded",
            kind,
            limit,
            address,
        )
    return count <= limit


def _only_kakao_login(user: Any, remaining_social: int) -> bool:
    return remaining_social == 0 and not user.has_usable_password()


_sqlite_writers = threading.Lock()


def _writer_turn() -> contextlib.AbstractContextManager[object]:
    """On SQLite, deliveries of this process write one after the other.

    SQLite has one writer at a time and makes the others poll with growing sleeps; under
    a burst (Kakao may deliver dozens at once) some deliveries starve past Kakao's 3 s.
    Queueing on a lock here keeps the tail short. Other databases write in parallel.
    """
    if connection.vendor == "sqlite":
        return _sqlite_writers
    return contextlib.nullcontext()


MAX_KAKAO_ID = 2**63 - 1  # Kakao's app user IDs are 64-bit integers


def _kakao_id(value: str) -> int | None:
    """The app user ID in a webhook, or None when it is not one (``isdigit`` alone takes
    "²" or Arabic-Indic digits, which ``int`` refuses or reads as another number)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if number <= MAX_KAKAO_ID else None


def handle_unlink(params: dict[str, str]) -> Result:
    """The unlink itself; runs inside the delivery's transaction."""
    user_id = params.get("user_id", "")
    referrer = params.get("referrer_type", "")
    uid = _kakao_id(user_id)
    if uid is None or not referrer or len(referrer) > 40:
        raise BadBody
    if referrer not in UNLINK_REFERRERS:
        # The user has left the app at Kakao whatever the path: a path Kakao added since
        # is recorded as it came, and the link ends all the same.
        logger.warning("kakao unlink webhook: unknown referrer_type %r", referrer)
    return end_kakao_link(uid, referrer)


def end_kakao_link(uid: int, reason: str) -> Result:
    """The customer's link to the Kakao app ends (unlink webhook, security event)."""
    from allauth.socialaccount.models import SocialAccount

    now = timezone.now()
    # A write first: on SQLite it takes the write lock up front (waiting its turn under
    # the busy timeout), where a read-then-write transaction fails at once with
    # "database is locked" when deliveries arrive together.
    left = KakaoSyncMember.objects.filter(kakao_user_id=uid, unlinked_at__isnull=True).update(
        unlinked_at=now, unlink_reason=reason
    )
    account = (
        SocialAccount.objects.select_for_update()
        .select_related("user")
        .filter(provider="kakao", uid=str(uid))
        .first()
    )
    if account is None:
        member = KakaoSyncMember.objects.filter(kakao_user_id=uid).first()
        if member is None:
            return Result(200, Outcome.UNKNOWN_USER)
        return Result(200, Outcome.PROCESSED if left else Outcome.DUPLICATE, member.user_id)
    user = account.user
    account.delete()
    remaining = SocialAccount.objects.filter(user=user).count()
    only_kakao = _only_kakao_login(user, remaining)
    if only_kakao:
        flagged = {"kakao_user_id": uid, "unlinked_at": now, "unlink_reason": reason}
        if not KakaoSyncMember.objects.filter(user=user).update(needs_recovery=True, **flagged):
            KakaoSyncMember.objects.create(user=user, needs_recovery=True, **flagged)
    logger.info(
        "kakao link of user %s removed (%s)%s",
        user.pk,
        reason,
        "; flagged for email recovery" if only_kakao else "",
    )
    return Result(200, Outcome.PROCESSED, user.pk)


def record_failure(
    request: HttpRequest, kind: str, params: dict[str, str], event_key: str, status: int
) -> Result:
    """Record a delivery the shop failed on, answered with ``status`` (the endpoint's
    ``handler_fault``)."""
    logger.exception("kakao %s webhook failed inside the shop", kind)
    result = Result(status, Outcome.ERROR)
    try:
        with transaction.atomic():
            record(request, kind, params, result, event_key)
    except Exception:  # the database itself may be what failed
        logger.exception("kakao %s webhook: the failed delivery could not be recorded", kind)
    return result


def handle_channel(params: dict[str, str]) -> Result:
    event = params.get("event", "")
    kakao_id = params.get("id", "")
    id_type = params.get("id_type", "app_user_id")
    if event not in CHANNEL_EVENTS or not kakao_id or len(kakao_id) > 40:
        raise BadBody
    uid = _kakao_id(kakao_id)
    if id_type != "app_user_id" or uid is None:
        # open_id and other id types name no customer of ours.
        return Result(200, Outcome.UNKNOWN_USER)
    config = load_config()
    channel = params.get("channel_public_id", "")
    if channel and config.channel_public_id and channel != config.channel_public_id:
        return Result(200, Outcome.UNKNOWN_USER)
    status = CHANNEL_EVENTS[event]
    updated = KakaoSyncMember.objects.filter(kakao_user_id=uid).first()
    if updated is None:
        return Result(200, Outcome.UNKNOWN_USER)
    KakaoSyncMember.objects.filter(pk=updated.pk).update(
        channel_status=status,
        channel_public_id=config.channel_public_id or channel,
        channel_updated_at=timezone.now(),
    )
    return Result(200, Outcome.PROCESSED, updated.user_id)


# --- the base view ----------------------------------------------------------------------


class Body(enum.Enum):
    """The body of a failure answer, when it depends on the failure."""

    RESULT = "result"
    """``{"result": <outcome>}``"""
    ERROR = "error"
    """``{"err": <code>, "description": <text>}`` of the refusal (RFC 8935)"""


@dataclass(frozen=True)
class Reply:
    """How an endpoint answers one kind of failure.

    ``status`` is one code, or one per outcome where the check that refused decides it;
    ``body`` is a :class:`Body`, a fixed JSON object, or ``None`` for no body.
    """

    status: int | Mapping[str, int]
    body: Body | dict[str, str] | None = None

    def status_for(self, outcome: str) -> int:
        return self.status if isinstance(self.status, int) else self.status[outcome]

    def render(self, outcome: str, err: str = "", description: str = "") -> HttpResponse:
        status = self.status_for(outcome)
        if self.body is None:
            return HttpResponse(status=status)
        if self.body is Body.RESULT:
            return JsonResponse({"result": outcome}, status=status)
        if self.body is Body.ERROR:
            return JsonResponse({"err": err, "description": description}, status=status)
        return JsonResponse(self.body, status=status)


P = TypeVar("P")


class KakaoWebhookView(View, Generic[P]):
    """One inbound Kakao webhook: ``parse`` the request, then ``handle`` it (verify, act,
    record); a fault inside ``handle`` is answered as ``handler_fault`` declares.

    Each endpoint declares its answer to every kind of failure (``bad_signature``,
    ``bad_body``, ``handler_fault``) as a :class:`Reply`, with the reason beside it.
    """

    kind: ClassVar[str]
    # The parameter recorded as the delivery's event.
    event_key: ClassVar[str] = "event"
    methods: ClassVar[tuple[str, ...]] = ("POST",)

    bad_signature: ClassVar[Reply]
    bad_body: ClassVar[Reply]
    # None: the fault is not caught (Django answers 500).
    handler_fault: ClassVar[Reply | None]
    # A body declared longer than ``max_body()`` bytes is answered so, unread; None: no
    # limit of the endpoint's own (Django's DATA_UPLOAD_MAX_MEMORY_SIZE still holds).
    too_large: ClassVar[Reply | None] = None

    @classmethod
    def endpoint(cls) -> Callable[..., HttpResponseBase]:
        """The URL's view: Kakao signs its calls instead of sending a CSRF token or a
        session cookie (so ``LoginRequiredMiddleware`` lets it through)."""
        view = require_http_methods(list(cls.methods))(cls.as_view())
        return login_not_required(csrf_exempt(view))

    def max_body(self) -> int | None:
        """The largest body the endpoint reads, in bytes (with ``too_large``)."""
        return None

    def declared_too_large(self, request: HttpRequest) -> bool:
        limit = self.max_body()
        if self.too_large is None or limit is None:
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return True  # not a length: nothing to read safely
        return length > limit

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.too_large is not None and self.declared_too_large(request):
            # Refused before anything reads it (Django would buffer up to its own limit, then
            # raise); one line, no traceback: a flood of them is no fault of the shop.
            logger.warning(
                "kakao %s webhook: body too large (%s bytes declared, limit %s) from %s",
                self.kind,
                str(request.META.get("CONTENT_LENGTH", ""))[:20],
                self.max_body(),
                client_ip(request) or "-",
            )
            return self.too_large.render(Outcome.INVALID_TOKEN, "invalid_request", "too large")
        parsed = self.parse(request)
        try:
            return self.handle(request, parsed)
        except Exception:
            if self.handler_fault is None:
                raise
            status = self.handler_fault.status_for(Outcome.ERROR)
            record_failure(request, self.kind, self.recorded_params(parsed), self.event_key, status)
            return self.handler_fault.render(Outcome.ERROR)

    def parse(self, request: HttpRequest) -> P:
        raise NotImplementedError

    def handle(self, request: HttpRequest, parsed: P) -> HttpResponse:
        raise NotImplementedError

    def recorded_params(self, parsed: P) -> dict[str, str]:
        """What a failed delivery records of the request."""
        return {}


class FormWebhookView(KakaoWebhookView[dict[str, str]]):
    """A webhook of form parameters authenticated by our admin key (unlink, channel)."""

    def parse(self, request: HttpRequest) -> dict[str, str]:
        """Kakao sends form parameters (GET query or POST body); JSON is accepted too."""
        params: dict[str, str] = {k: str(v) for k, v in request.GET.items()}
        if request.method == "POST":
            if request.content_type == "application/json":
                try:
                    body = json.loads(request.body or b"{}")
                except (ValueError, UnicodeDecodeError):
                    body = None
                if isinstance(body, dict):
                    params.update({str(k): str(v) for k, v in body.items() if v is not None})
            else:
                params.update({k: str(v) for k, v in request.POST.items()})
        return params

    def recorded_params(self, parsed: dict[str, str]) -> dict[str, str]:
        return parsed

    def check_app(self, params: dict[str, str]) -> bool:
        return True

    def act(self, params: dict[str, str]) -> Result:
        """The delivery's effect, inside its transaction; raises :class:`BadBody`."""
        raise NotImplementedError

    def handle(self, request: HttpRequest, parsed: dict[str, str]) -> HttpResponse:
        result, failure = self.deliver(request, parsed)
        if failure is not None:
            return failure.render(result.outcome)
        return JsonResponse({"result": result.outcome}, status=result.status)

    def deliver(self, request: HttpRequest, params: dict[str, str]) -> tuple[Result, Reply | None]:
        """Verify, act and record one delivery, in one transaction (one commit).

        A delivery that still finds SQLite locked after the busy timeout is tried again, so
        Kakao gets its answer rather than a 500.
        """
        refusal = verify(request, params, check_app=self.check_app(params))
        refused = None
        if refusal is not None:
            refused = Result(self.bad_signature.status_for(refusal), refusal)
            if not _record_refusal(request, self.kind):
                return refused, self.bad_signature
        for attempt in range(1, LOCK_ATTEMPTS + 1):
            try:
                with _writer_turn(), transaction.atomic():
                    failure: Reply | None
                    if refused is not None:
                        result, failure = refused, self.bad_signature
                    else:
                        result, failure = self._act(params)
                    record(request, self.kind, params, result, self.event_key)
                return result, failure
            except OperationalError as exc:
                if attempt == LOCK_ATTEMPTS or "locked" not in str(exc):
                    raise
                logger.warning("%s webhook: database busy, attempt %s", self.kind, attempt)
        raise AssertionError("unreachable")

    def _act(self, params: dict[str, str]) -> tuple[Result, Reply | None]:
        try:
            return self.act(params), None
        except BadBody as exc:
            return Result(self.bad_body.status_for(exc.outcome), exc.outcome), self.bad_body


# The admin key is missing (Kakao Sync never set up) or wrong: 401; the key is right but the
# call names another app: 403.
_REFUSED_STATUS: dict[str, int] = {
    Outcome.DISABLED: 401,
    Outcome.UNAUTHORIZED: 401,
    Outcome.WRONG_APP: 403,
}


class UnlinkWebhook(FormWebhookView):
    """``/kakaosync/webhooks/unlink/``: a user left our app at Kakao."""

    kind = "unlink"
    event_key = "referrer_type"
    # Kakao's console lets the admin send the unlink webhook as GET or POST.
    methods = ("GET", "POST")

    bad_signature = Reply(_REFUSED_STATUS, Body.RESULT)
    """401 or 403 with the outcome: not Kakao's call for our app; it is recorded (up to a
    rate) and nothing changes."""
    bad_body = Reply(400, Body.RESULT)
    """400 with the outcome: Kakao's call, but without a usable user ID or referrer."""
    handler_fault = Reply(200, Body.RESULT)
    """200 with ``{"result": "error"}``, recorded: Kakao counts any other answer as a failed
    delivery and pauses the webhook, and sending it again would not help."""

    def act(self, params: dict[str, str]) -> Result:
        return handle_unlink(params)


class ChannelWebhook(FormWebhookView):
    """``/kakaosync/webhooks/channel/``: a user added or blocked the store's channel."""

    kind = "channel"

    bad_signature = Reply(_REFUSED_STATUS, Body.RESULT)
    """401 or 403 with the outcome: not Kakao's call for our app; it is recorded (up to a
    rate) and nothing changes."""
    bad_body = Reply(400, Body.RESULT)
    """400 with the outcome: Kakao's call, but with an unknown event or no user ID."""
    handler_fault = None
    """Not caught: Django answers 500 and logs the fault, and nothing is recorded. Unlike an
    unlink, a channel status missed is not lasting: the user's next add or block sets it."""

    def check_app(self, params: dict[str, str]) -> bool:
        # The channel webhook does not always carry app_id; the admin key suffices then.
        return "app_id" in params

    def act(self, params: dict[str, str]) -> Result:
        return handle_channel(params)
