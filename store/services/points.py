"""The points ledger."""

from __future__ import annotations

from .. import login_strength
from ..login_strength import LoginStrength, Strength
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


def spend(
    customer: Customer,
    amount: int,
    *,
    strength: Strength | LoginStrength,
    reason: str = PointEntry.Reason.ORDER_SPENT,
    order: Order | None = None,
) -> PointEntry:
    """The customer spends points: never on a user-ID-only login (no proof of identity).

    ``grant`` with a negative amount stays for the shop's own moves (merges, adjustments).
    """
    login_strength.require(strength, "spend points")
    if amount <= 0:
        raise ValueError("points spent must be positive")
    return grant(customer, -amount, reason, order=order)
