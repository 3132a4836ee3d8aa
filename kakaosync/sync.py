"""Kakao Sync at login: read the customer's service terms and channel relation, store them.

``fetch`` runs before anything is written (the login pipeline's first stage): a Kakao fault
stops the login with a clear page and no account is created. ``store`` runs once the
customer exists (in a signup's own transaction, else at ``user_logged_in``) and writes one
row, so a Sync login costs the two Kakao calls and a query or two over a plain Kakao login.

A returning member whose row was read recently skips both calls (``last_read_holds``):
what changes at Kakao between two logins reaches the shop without them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from store import consents
from store.services import customers

from . import client
from .app_settings import app_settings
from .conf import SyncConfig
from .models import ChannelStatus, KakaoSyncMember

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kakaosync")
    return _pool


class SyncRefused(Exception):
    """The Kakao answer does not allow a Kakao Sync signup (e.g. a required term missing)."""


def fetch(access_token: str, config: SyncConfig) -> dict[str, Any]:
    """The two Kakao calls of a Sync login, as JSON-safe data (it waits in the session)."""
    channel = None
    if config.channel_public_id:
        # The two reads are independent: side by side, the login waits for one round trip.
        pending = _executor().submit(
            client.get_channels, access_token, channel_public_ids=[config.channel_public_id]
        )
        try:
            terms = client.get_service_terms(access_token, tags=config.term_tags or None)
        finally:
            relations = pending.result()
        channel = relations.relation_to(config.channel_public_id)
    else:
        terms = client.get_service_terms(access_token, tags=config.term_tags or None)
    return {
        "user_id": terms.user_id,
        "terms": [
            {
                "tag": t.tag,
                "required": t.required,
                "agreed": t.agreed,
                "agreed_at": t.agreed_at.isoformat() if t.agreed_at else None,
                "agreed_by": t.agreed_by,
                "revocable": t.revocable,
            }
            for t in terms.terms
        ],
        "channel_public_id": config.channel_public_id,
        "channel": channel,
        "read_at": timezone.now().isoformat(),
    }


def member_of(user: Any) -> KakaoSyncMember | None:
    """The user's Sync row, its ``user`` the one given (a login that keeps the last read
    needs nothing else; ``store`` reads the customer only when it has something to say)."""
    member = KakaoSyncMember.objects.filter(user_id=user.pk).first()
    if member is not None:
        member.user = user
    return member


def last_read_holds(
    member: KakaoSyncMember | None,
    config: SyncConfig,
    uid: str,
    extra_data: dict[str, Any],
    now: datetime | None = None,
) -> bool:
    """Whether a returning login may keep the terms and channel relation of the last read.

    Between logins Kakao pushes what changes: the channel webhook (added, blocked), the
    unlink webhook, security events (consent withdrawn, profile changed); withdrawals made
    in the shop are written here. Consent to a term is given on Kakao's consent screen,
    i.e. during a login: a member lacking one of the store's required terms reads (that
    login is the additional-consent flow). So does a login whose ``/v2/user/me`` answer
    differs from the row (``synched_at``, the phone number shared), a row older than
    ``KAKAOSYNC_SYNC_READ_MAX_AGE`` (a lost webhook, an optional term agreed since) and a
    row the store's settings have outgrown (App ID, channel).
    """
    max_age = app_settings.SYNC_READ_MAX_AGE
    if member is None or max_age <= 0:
        return False
    now = now or timezone.now()
    if not (
        member.is_linked
        and not member.needs_recovery
        and member.profile_changed_at is None
        and member.last_read_at is not None
        and now - member.last_read_at < timedelta(seconds=max_age)
        and str(member.kakao_user_id) == str(uid)
        and member.app_id == config.app_id
        and member.channel_public_id == config.channel_public_id
    ):
        return False
    agreed = {t.get("tag") for t in member.terms if isinstance(t, dict) and t.get("agreed")}
    if any(t.required and t.tag not in agreed for t in config.terms):
        return False  # the additional-consent login brings the agreement
    account = extra_data.get("kakao_account")
    account = account if isinstance(account, dict) else {}
    synched_at = client.parse_time(extra_data.get("synched_at"))
    return bool(account.get("phone_number")) == member.phone_consented and (
        synched_at is None or synched_at == member.synched_at
    )


def check_signup(data: dict[str, Any], config: SyncConfig, uid: str) -> None:
    """A new customer must have agreed to every required term of the store."""
    if str(data.get("user_id")) != str(uid):
        raise SyncRefused("service terms answer is for another Kakao user")
    agreed = {t["tag"] for t in data.get("terms", []) if t.get("agreed")}
    missing = [t.tag for t in config.terms if t.required and t.tag not in agreed]
    if missing:
        raise SyncRefused(f"required terms not agreed: {', '.join(missing)}")


def _refresh_profile(user: Any, extra_data: dict[str, Any]) -> None:
    """Kakao reported a profile change (security event): take this login's profile."""
    from sociallogin.signup import provider_profile
    from store.services import customers

    profile = provider_profile("kakao", extra_data)
    if profile.get("name"):
        profile["nickname"] = str(profile["name"])[:100]
    values = {k: v for k, v in profile.items() if k in customers.PROFILE_FIELDS and v}
    customers.update_profile(customers.get_customer(user), values, source="provider:kakao")
    logger.info("kakao profile of user %s refreshed after a change at Kakao", user.pk)


def marketing_consent(data: dict[str, Any], config: SyncConfig) -> bool | None:
    """Whether Kakao's terms say yes to marketing; ``None`` when the store asks none."""
    marketing = any(
        t.get("agreed") for t in data.get("terms", []) if t.get("tag") in config.marketing_tags
    )
    return marketing if (marketing or config.marketing_tags) else None


@contextlib.contextmanager
def _no_transaction() -> Iterator[None]:
    yield


# How stale "last read from Kakao" may get before a login with nothing new writes it.
READ_REFRESH = timedelta(hours=1)


def _changed(member: KakaoSyncMember, fields: dict[str, Any], now: datetime) -> bool:
    """Whether a returning login has anything to write.

    Most logins bring back what the row already holds; not writing then spares the
    login a commit (on SQLite a disk sync, ~5 ms: as much as the two Kakao reads).
    """
    if member.last_read_at is None or now - member.last_read_at >= READ_REFRESH:
        return True
    return any(getattr(member, k) != v for k, v in fields.items() if k != "last_read_at")


def store(
    user: Any,
    data: dict[str, Any],
    config: SyncConfig,
    *,
    extra_data: dict[str, Any],
    is_signup: bool,
    member: KakaoSyncMember | None,
) -> KakaoSyncMember:
    """Write the Sync data on the customer (one transaction, skipped when unchanged).

    ``member``: the user's row as the caller read it (``member_of``); None when it has none
    (a signup's user, created in this very request).
    """
    account = extra_data.get("kakao_account") if isinstance(extra_data, dict) else None
    account = account if isinstance(account, dict) else {}
    synched_at = (
        client.parse_time(extra_data.get("synched_at")) if isinstance(extra_data, dict) else None
    )
    marketing = marketing_consent(data, config)
    channel = data.get("channel")
    now = timezone.now()
    created = member is None
    if member is None:
        member = KakaoSyncMember(user=user)
    fields: dict[str, Any] = {
        "kakao_user_id": int(data["user_id"]),
        "app_id": config.app_id,
        "joined_via_sync": member.joined_via_sync or is_signup or synched_at is not None,
        "synched_at": member.synched_at or synched_at,
        "terms": data.get("terms", []),
        "phone_consented": bool(account.get("phone_number")),
        "unlinked_at": None,
        "unlink_reason": "",
        "needs_recovery": False,
        "last_read_at": now,
    }
    if channel in ChannelStatus.values and (
        channel != member.channel_status
        or member.channel_public_id != data.get("channel_public_id")
    ):
        fields.update(
            channel_status=channel,
            channel_public_id=data.get("channel_public_id") or "",
            channel_updated_at=now,
        )
    refresh_profile = member.profile_changed_at is not None
    if refresh_profile:
        fields["profile_changed_at"] = None
    # savepoint=False: in a signup's transaction (``save_user``) a fault undoes it all.
    with transaction.atomic(savepoint=False) if created or refresh_profile else _no_transaction():
        if refresh_profile:
            _refresh_profile(user, extra_data)
        if created:
            for key, value in fields.items():
                setattr(member, key, value)
            member.save()
        elif _changed(member, fields, now):
            # One UPDATE, atomic by itself: a returning Sync login costs two queries.
            KakaoSyncMember.objects.filter(pk=member.pk).update(**fields)
            for key, value in fields.items():
                setattr(member, key, value)
        # Kakao's answer for the tags it showed is the customer's answer to the store's
        # terms with those tags (store.consents, their one writer).
        consents.record_kakao_terms(user, data.get("terms", []))
        if marketing is not None and not is_signup:
            # A signup wrote Kakao's consent with the customer row (the login pipeline's
            # changes); a returning login states it again, and the newest statement wins.
            customer = None if created else getattr(member.user, "customer", None)
            customers.set_marketing_consent(
                user, marketing, source="kakao_sync", at=now, customer=customer
            )
    logger.info(
        "kakao sync stored for user %s (signup=%s, channel=%s, marketing=%s)",
        user.pk,
        is_signup,
        channel,
        marketing,
    )
    return member
