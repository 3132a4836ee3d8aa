"""Deleted-account tombstones: a keyed HMAC of provider + provider user ID, never the ID."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db.models import Q
from django.utils import timezone

from store import crypto

from .app_settings import app_settings
from .catalog import PROVIDERS
from .models import ArchivedSocialAccount, DeletedSocialAccount, RejoinPolicy, SocialSignupDetails

logger = logging.getLogger(__name__)


def digests(provider_id: str, uid: str) -> list[str]:
    """The account's hash under every key a tombstone may have been written with: the
    first of ``SOCIALLOGIN_TOMBSTONE_KEY`` (the one written), its older ones, then
    ``SECRET_KEY`` and its fallbacks. A rotated key must not lift the tombstones."""
    keys = crypto.hmac_keys(app_settings.TOMBSTONE_KEY)
    return crypto.keyed_digests("sociallogin.tombstone", f"{provider_id}\x00{uid}", keys)


def digest(provider_id: str, uid: str) -> str:
    """The hash a new tombstone is written with."""
    return digests(provider_id, uid)[0]


def active_tombstones(provider_id: str, uid: str) -> Any:
    """Tombstones that still refuse ``uid``: not lifted, and with no cool-down or one not
    yet over (one query, whichever key wrote them)."""
    return DeletedSocialAccount.objects.filter(
        Q(rejoin_after__isnull=True) | Q(rejoin_after__gt=timezone.now()),
        digest__in=digests(provider_id, uid),
        lifted_at__isnull=True,
    )


def is_tombstoned(provider_id: str, uid: str) -> bool:
    return active_tombstones(provider_id, uid).exists()


def rejoin_at(provider_id: str, uid: str) -> datetime.datetime | None:
    """When ``uid`` may join again, or None when never (or not refused at all)."""
    return active_tombstones(provider_id, uid).values_list("rejoin_after", flat=True).first()


def refusal_context(provider_id: str, uid: str) -> dict[str, Any]:
    """What ``sociallogin/deleted_account.html`` shows: the provider, and when (if ever)
    this account may join again."""
    info = PROVIDERS.get(provider_id)
    return {"provider_name": info.name if info else "", "rejoin_at": rejoin_at(provider_id, uid)}


def bury(provider_id: str, uid: str) -> None:
    now = timezone.now()
    cooldown_days = RejoinPolicy.cooldown()
    current, *older = digests(provider_id, uid)
    # A tombstone of an earlier deletion under an older key is written again under the
    # current one (it could be lost with that key), not kept twice.
    DeletedSocialAccount.objects.filter(digest__in=older).delete()
    DeletedSocialAccount.objects.update_or_create(
        digest=current,
        # A second deletion after a rejoin starts the cool-down again.
        defaults={
            "provider": provider_id,
            "created_at": now,
            "rejoin_after": None
            if cooldown_days is None
            else now + datetime.timedelta(days=cooldown_days),
            "lifted_at": None,
            "lifted_by": None,
        },
    )


def on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """``store.signals.account_deleting``: runs inside the deletion's transaction.

    Every social account of the deleted account is buried, whichever way the customer
    joined: a store-ID customer who later logged in with Kakao could otherwise delete the
    account and join again through Kakao as a new customer (welcome benefits included),
    which is what the rule is there to prevent. They may still join with a store ID.
    """
    from allauth.socialaccount.models import SocialAccount

    archived = ArchivedSocialAccount.objects.filter(user=user)
    links = [
        (a.provider, a.uid)
        for a in SocialAccount.objects.filter(user=user, provider__in=list(PROVIDERS))
    ]
    links += [(a.provider, a.uid) for a in archived]
    for provider_id, uid in links:
        bury(provider_id, uid)
    if links:
        logger.info(
            "account %s deleted (joined via %s): %s social account(s) tombstoned",
            user.pk,
            customer.join_channel,
            len(links),
        )
    # Archived links and signup extras are personal data: they go with the account.
    archived.delete()
    SocialSignupDetails.objects.filter(user=user).delete()
