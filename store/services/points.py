"""The points ledger. ``order``: the built-in shop's order an entry came from, if any."""

from __future__ import annotations

from typing import Any

from ..models import Customer, PointEntry


def balance(customer: Customer) -> int:
    return customer.points_balance


def grant(
    customer: Customer,
    amount: int,
    reason: str,
    *,
    note: str = "",
    order: Any = None,
) -> PointEntry:
    if amount == 0:
        raise ValueError("a points entry cannot be zero")
    return PointEntry.objects.create(
        customer=customer,
        amount=amount,
        reason=reason,
        note=note,
        order_ref=order.pk if order is not None else None,
    )
