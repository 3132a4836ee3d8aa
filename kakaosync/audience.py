"""The ad audience: Kakao Sync customers who may receive Kakao Moment / Talk Channel ads.

A customer is in it while they joined through Kakao Sync, are still linked to the Kakao
app, and their consent record (``store.Consent``, current) agrees to one of the store's
advertising terms; for the channel audience they have also added the channel. Withdrawn
consent, a blocked channel, an unlink or a deleted account take them out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Literal

from django.db.models import QuerySet

from store.consents import consents_to_ads

from .models import ChannelStatus, KakaoSyncMember

Kind = Literal["moment", "channel"]
KINDS: tuple[Kind, ...] = ("moment", "channel")


def audience(kind: Kind = "moment") -> QuerySet[KakaoSyncMember]:
    qs = KakaoSyncMember.objects.filter(
        consents_to_ads(),
        joined_via_sync=True,
        unlinked_at__isnull=True,
        user__is_active=True,
        user__customer__deleted_at__isnull=True,
    )
    if kind == "channel":
        qs = qs.filter(channel_status=ChannelStatus.ADDED)
    return qs.select_related("user__customer").order_by("kakao_user_id")


def counts() -> dict[str, int]:
    synced = KakaoSyncMember.objects.filter(joined_via_sync=True, unlinked_at__isnull=True)
    return {
        "sync_customers": synced.count(),
        "moment": audience("moment").count(),
        "channel": audience("channel").count(),
        "channel_blocked": synced.filter(channel_status=ChannelStatus.BLOCKED).count(),
        "no_marketing": synced.exclude(consents_to_ads()).count(),
    }


def _phone(member: KakaoSyncMember) -> str:
    customer = getattr(member.user, "customer", None)
    return customer.phone if (customer and member.phone_consented) else ""


def rows_csv(members: Iterable[KakaoSyncMember]) -> Iterator[str]:
    """``app_user_id,phone`` (the phone only when the customer shared it through Kakao)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["app_user_id", "phone"])
    yield buffer.getvalue()
    for member in members:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([member.kakao_user_id, _phone(member)])
        yield buffer.getvalue()


def rows_txt(members: Iterable[KakaoSyncMember]) -> Iterator[str]:
    """One app user ID a line: the customer file Kakao Moment takes."""
    for member in members:
        yield f"{member.kakao_user_id}\n"


def render(members: Iterable[KakaoSyncMember], fmt: str) -> Iterator[str]:
    return rows_txt(members) if fmt == "txt" else rows_csv(members)
