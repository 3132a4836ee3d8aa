"""The points ledger."""

from __future__ import annotations

from ..models import Customer, Order, PointEntry


def balance(customer: Customer) -> int:
    return customer.points_balance


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
