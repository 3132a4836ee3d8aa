"""Merging customers that already shared a ``server_custom_id`` before linking was on."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count

from store.services.merge import merge_customers

from .models import PartnerLink

logger = logging.getLogger(__name__)


@dataclass
class LinkReport:
    groups: int = 0
    merged: int = 0
    plan: list[tuple[str, int, list[int]]] = field(default_factory=list)


def move_partner_link(source: Any, target: Any) -> dict[str, int]:
    """Merge handler: the target keeps its link; it takes the source's if it has none."""
    src = PartnerLink.objects.filter(user=source).first()
    if src is None:
        return {"partner_links": 0}
    if PartnerLink.objects.filter(user=target).exists():
        src.delete()
        return {"partner_links": 0}
    src.user = target  # type: ignore[assignment]
    src.save(update_fields=["user"])
    return {"partner_links": 1}


def end_partner_link(user: Any, address: str) -> dict[str, int]:
    """Take-over handler: the account's partner link goes.

    Its partner login (a password at the partner) and its ``server_custom_id`` (every
    partner login with that ID) were set up by whoever held the account on an address
    they never proved, and both would open it again; the owner's next partner login
    makes a new link.
    """
    deleted, _by_model = PartnerLink.objects.filter(user=user).delete()
    return {"partner_links": deleted}


def link_accounts(
    *, server_custom_ids: Iterable[str] | None = None, dry_run: bool = False
) -> LinkReport:
    """For each shared ID, merge every other customer into the linked (or oldest) one.

    Each ID is merged in its own transaction: a failure leaves the other IDs done and this
    one untouched.
    """
    report = LinkReport()
    shared = (
        PartnerLink.objects.exclude(server_custom_id=None)
        .filter(user__is_active=True)
        .values("server_custom_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if server_custom_ids is not None:
        shared = shared.filter(server_custom_id__in=list(server_custom_ids))
    for row in shared.order_by("server_custom_id"):
        custom_id = str(row["server_custom_id"])
        links = list(
            PartnerLink.objects.select_related("user")
            .filter(server_custom_id=custom_id, user__is_active=True)
            .order_by("-linked", "created_at", "pk")
        )
        target, sources = links[0], links[1:]
        report.groups += 1
        report.plan.append((custom_id, target.user_id, [s.user_id for s in sources]))
        if dry_run:
            report.merged += len(sources)
            continue
        with transaction.atomic():
            for source in sources:
                merge_customers(
                    source.user,
                    target.user,
                    reason=f"keymap: same server_custom_id {custom_id}",
                )
                report.merged += 1
            PartnerLink.objects.filter(pk=target.pk).update(linked=True)
        logger.info(
            "linked %s customers onto #%s for one server_custom_id", len(sources), target.user_id
        )
    return report
