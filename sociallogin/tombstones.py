"""Deleted-account tombstones: a keyed HMAC of provider + provider user ID, never the ID."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

from .app_settings import app_settings
from .catalog import PROVIDERS
from .models import ArchivedSocialAccount, DeletedSocialAccount, SocialSignupDetails

logger = logging.getLogger("sociallogin.tombstones")


def digest(provider_id: str, uid: str) -> str:
    key = app_settings.TOMBSTONE_KEY or settings.SECRET_KEY
    return salted_hmac(
        "sociallogin.tombstone", f"{provider_id}\x00{uid}", secret=key, algorithm="sha256"
    ).hexdigest()


def is_tombstoned(provider_id: str, uid: str) -> bool:
    return DeletedSocialAccount.objects.filter(
        digest=digest(provider_id, uid), lifted_at__isnull=True
    ).exists()


def bury(provider_id: str, uid: str) -> None:
    DeletedSocialAccount.objects.update_or_create(
        digest=digest(provider_id, uid),
        defaults={"provider": provider_id, "lifted_at": None, "lifted_by": None},
    )


def on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """``store.signals.account_deleting``: runs inside the deletion's transaction."""
    from allauth.socialaccount.models import SocialAccount

    archived = ArchivedSocialAccount.objects.filter(user=user)
    if customer.join_channel in PROVIDERS:
        links = [
            (a.provider, a.uid)
            for a in SocialAccount.objects.filter(user=user, provider__in=list(PROVIDERS))
        ]
        links += [(a.provider, a.uid) for a in archived]
        for provider_id, uid in links:
            bury(provider_id, uid)
        logger.info("account %s deleted: %s social account(s) tombstoned", user.pk, len(links))
    # Archived links and signup extras are personal data: they go with the account.
    archived.delete()
    SocialSignupDetails.objects.filter(user=user).delete()
