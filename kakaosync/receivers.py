"""Kakao Sync's receivers of the store core's signals (its login steps: ``login_steps``).

- ``account_deleting``: unlink the customer at Kakao after the deletion commits.
- merge handler: the Sync data moves with the Kakao account.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import client, inapp
from .conf import load_config
from .models import KakaoSyncMember

logger = logging.getLogger(__name__)


def on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """The customer leaves the shop: leave Kakao's app too, once the deletion commits."""
    from allauth.socialaccount.models import SocialAccount

    uids = list(
        SocialAccount.objects.filter(user=user, provider="kakao").values_list("uid", flat=True)
    )
    KakaoSyncMember.objects.filter(user=user).update(
        unlinked_at=timezone.now(), unlink_reason="SHOP_ACCOUNT_DELETED", terms=[]
    )
    config = load_config()
    if not uids or not config.admin_key_token:
        return
    user_pk = user.pk

    def unlink_at_kakao() -> None:
        for uid in uids:
            try:
                client.unlink_user(admin_key=config.admin_key, user_id=uid)
                logger.info("kakao: user %s unlinked after account deletion", user_pk)
            except client.KakaoError as exc:
                # The account is gone either way; Kakao keeps a stale link until the user
                # removes the app. Logged for the admin.
                logger.warning("kakao unlink after deletion of user %s failed: %s", user_pk, exc)

    transaction.on_commit(unlink_at_kakao)


def merge_handler(source: Any, target: Any) -> dict[str, int]:
    """Sync data follows the Kakao account (the store's merge moves social accounts)."""
    moved = 0
    member = KakaoSyncMember.objects.filter(user=source).first()
    if member is not None and not KakaoSyncMember.objects.filter(user=target).exists():
        member.user = target
        member.save(update_fields=["user"])
        moved = 1
    return {"members": moved}


def connect() -> None:
    from store import registry as store_registry
    from store.signals import account_deleting

    store_registry.register_password_login_gate("kakaosync", inapp.refuses_password_login)
    account_deleting.connect(on_account_deleting, dispatch_uid="kakaosync.account_deleting")
    store_registry.register_merge_handler("kakaosync", merge_handler)
