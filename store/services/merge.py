"""Merging two customers: everything of the source moves onto the target, audited.

Apps that own per-user data register a handler in ``store.registry`` (e.g. social accounts,
partner links); the handlers run in the same transaction as the store's own moves.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from .. import registry
from ..host import get_host_adapter
from ..models import MergeRecord, PointEntry
from . import customers, points
from .customers import get_customer

if TYPE_CHECKING:  # the configured user model, as django-stubs resolves it
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


class MergeError(Exception):
    pass


def move_store_data(source: User, target: User) -> dict[str, int]:
    """The default host adapter's merge: the built-in shop's orders and coupons (when
    installed), the points balance and the profile values the target lacks."""
    from django.apps import apps

    src, dst = get_customer(source), get_customer(target)
    moved: dict[str, int] = {}
    if apps.is_installed("store.commerce"):
        from ..commerce import commerce_data

        moved.update(commerce_data.move(src, dst))
    # The ledger stays append-only: the source's balance moves as one entry on each side.
    balance = points.balance(src)
    moved["points"] = balance
    if balance:
        points.grant(src, -balance, PointEntry.Reason.MERGE, note=f"to #{target.pk}")
        points.grant(dst, balance, PointEntry.Reason.MERGE, note=f"from #{source.pk}")
    for field in ("nickname", "birthday", "gender", "phone"):
        if not getattr(dst, field) and getattr(src, field):
            setattr(dst, field, getattr(src, field))
    dst.save()
    return moved


def _move_social_accounts(source: User, target: User) -> dict[str, int]:
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    moved = SocialAccount.objects.filter(user=source).update(user=target)
    target_emails = set(EmailAddress.objects.filter(user=target).values_list("email", flat=True))
    emails = 0
    for address in EmailAddress.objects.filter(user=source):
        if address.email.lower() in {e.lower() for e in target_emails}:
            address.delete()
            continue
        address.user = target
        address.primary = False
        address.save()
        emails += 1
    return {"social_accounts": moved, "email_addresses": emails}


@transaction.atomic
def merge_customers(source: User, target: User, *, reason: str) -> MergeRecord:
    """Move orders, points, coupons, social accounts and every registered app's data."""
    if source.pk == target.pk:
        raise MergeError("cannot merge a customer into itself")
    user_model = get_user_model()
    # Lock both rows in a fixed order so that concurrent merges cannot deadlock.
    locked = list(
        user_model._default_manager.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    )
    if len(locked) != 2:
        raise MergeError("one of the customers no longer exists")
    moved: dict[str, int] = {}
    moved.update(get_host_adapter().merge_commerce(source, target))
    moved.update(_move_social_accounts(source, target))
    for name, handler in registry.merge_handlers().items():
        for key, count in handler(source, target).items():
            moved[f"{name}.{key}"] = count
    record = MergeRecord.objects.create(
        target=target,
        target_repr=f"#{target.pk} {target.get_username()}",
        source_user_id=str(source.pk),
        source_repr=f"#{source.pk} {source.get_username()}",
        reason=reason,
        moved=moved,
    )
    customers.clear_merged_profile(source)
    user_model._default_manager.filter(pk=source.pk).update(is_active=False)
    logger.info("merged customer %s into %s (%s): %s", source.pk, target.pk, reason, moved)
    return record
