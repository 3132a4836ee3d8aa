"""The points ledger."""

from __future__ import annotations

from django.db.models import Sum

from ..models import Customer, Order, PointEntry


def balance(customer: Customer) -> int:
    return int(customer.point_entries.aggregate(total=Sum("amount"))["total"] or 0)


def grant(
    customer: Customer,
    amount: int,
    reason: str,
    *,
    note: str = "",
    order: Order | None = None,
) -> PointEntry:
    if amount == 0:
        raise ValueError("a points entry cannot be zero")
    return PointEntry.objects.create(
        customer=customer, amount=amount, reason=reason, note=note, order=order
    )
