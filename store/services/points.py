"""The points ledger. ``order``: the built-in shop's order an entry came from, if any."""

from __future__ import annotations

from typing import Any

from .. import login_strength
from ..login_strength import LoginStrength, Strength
from ..models import Customer, PointEntry


def balance(customer: Customer) -> int:
    return customer.points_balance


def latest_and_balance(customer: Customer, limit: int = 50) -> tuple[list[PointEntry], int]:
    """The newest ``limit`` entries and the balance, in one query while the ledger is short.

    The account page shows both after every login: a ledger of at most ``limit`` entries
    is all loaded anyway, so its sum is the balance; a longer one is summed by the database.
    """
    entries = list(customer.point_entries.all()[: limit + 1])
    if len(entries) <= limit:
        return entries, sum(entry.amount for entry in entries)
    return entries[:limit], balance(customer)


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


def spend(
    customer: Customer,
    amount: int,
    *,
    strength: Strength | LoginStrength,
    reason: str = PointEntry.Reason.ORDER_SPENT,
    order: Any = None,
) -> PointEntry:
    """The customer spends points: never on a user-ID-only login (no proof of identity).

    ``grant`` with a negative amount stays for the shop's own moves (merges, adjustments).
    """
    login_strength.require(strength, "spend points")
    if amount <= 0:
        raise ValueError("points spent must be positive")
    return grant(customer, -amount, reason, order=order)
