"""Kakao's webhooks: unlink (a user left our app at Kakao) and channel (added / blocked).

Verification first (admin key in constant time, then the App ID), then a short piece of
work in one transaction, then the answer: Kakao wants 200 within 3 seconds, also for a
user we do not know, and pauses a webhook that keeps failing. Every delivery is recorded,
forged ones included (without the key they carried), up to a number of refused calls per
minute and remote address.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

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


def verify(request: HttpRequest, params: dict[str, str], *, check_app: bool) -> Result | None:
    """None when the call carries our admin key (and App ID); else the refusal."""
    config = load_config()
    # Kakao Sync switched off later still has customers linked to the Kakao app: their
    # unlinks are honoured as long as the admin key is stored.
    if not config.admin_key_token:
        return Result(401, Outcome.DISABLED)
    header = request.headers.get("Authorization", "")
    scheme, _sep, given = header.partition(" ")
    expected = str(config.admin_key)
    if scheme != "KakaoAK" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return Result(401, Outcome.UNAUTHORIZED)
    if check_app and params.get("app_id", "") != str(config.app_id):
        return Result(403, Outcome.WRONG_APP)
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


def deliver(
    request: HttpRequest,
    kind: str,
    params: dict[str, str],
    *,
    check_app: bool,
    event_key: str,
    handler: Callable[[dict[str, str]], Result],
) -> Result:
    """Verify, handle and record one delivery, in one transaction (one commit).

    A delivery that still finds SQLite locked after the busy timeout is tried again, so
    Kakao gets its answer rather than a 500.
    """
    refused = verify(request, params, check_app=check_app)
    if refused is not None and not _record_refusal(request, kind):
        return refused
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            with _writer_turn(), transaction.atomic():
                result = refused or handler(params)
                record(request, kind, params, result, event_key)
            return result
        except OperationalError as exc:
            if attempt == LOCK_ATTEMPTS or "locked" not in str(exc):
                raise
            logger.warning("%s webhook: database busy, attempt %s", kind, attempt)
    raise AssertionError("unreachable")


MAX_KAKAO_ID = 2**63 - 1  # Kakao's app user IDs are 64-bit integers


def _kakao_id(value: str) -> int | None:
    """The app user ID in a webhook, or None when it is not one (``isdigit`` alone takes
    "²" or Arabic-Indic digits, which ``int`` refuses or reads as another number)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if number <= MAX_KAKAO_ID else None


def handle_unlink(params: dict[str, str]) -> Result:
    """The unlink itself; runs inside ``deliver``'s transaction."""
    user_id = params.get("user_id", "")
    referrer = params.get("referrer_type", "")
    uid = _kakao_id(user_id)
    if uid is None or not referrer or len(referrer) > 40:
        return Result(400, Outcome.BAD_REQUEST)
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
    request: HttpRequest, kind: str, params: dict[str, str], event_key: str, status: int = 200
) -> Result:
    """Record a delivery the shop failed on. The unlink webhook still answers 200: Kakao
    counts any other answer as a failed delivery and pauses the webhook, and sending it
    again would not help."""
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
        return Result(400, Outcome.BAD_REQUEST)
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
