"""Placing an order: coupon, points and stock-free checkout in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from .. import login_strength
from ..app_settings import app_settings
from ..commerce.models import Coupon, Order, OrderLine, Product
from ..login_strength import LoginStrength, Strength
from ..models import Customer, PointEntry
from . import points


class OrderError(Exception):
    """The order cannot be placed; the message is for the shopper."""


@dataclass(frozen=True)
class Item:
    product: Product
    quantity: int


def _order_number() -> str:
    stamp = timezone.now().strftime("%Y%m%d")
    return f"{app_settings.ORDER_NUMBER_PREFIX}-{stamp}-{get_random_string(6, '0123456789')}"


@transaction.atomic
def place_order(
    customer: Customer,
    items: list[Item],
    *,
    strength: Strength | LoginStrength,
    coupon_code: str = "",
    points_to_use: int = 0,
    recipient_name: str = "",
    shipping_address: str = "",
) -> Order:
    """``strength``: how the ordering session logged in (``login_strength.of(request)``).

    A user-ID-only login orders nothing (it would spend the customer's points and coupons
    and put an order in their account): :class:`store.login_strength.WeakLogin`.
    """
    login_strength.require(strength, "place an order")
    if not items:
        raise OrderError(_("Your order is empty."))
    if any(item.quantity < 1 for item in items):
        raise OrderError(_("Quantities must be at least 1."))
    if any(not item.product.is_active for item in items):
        raise OrderError(_("A product in your order is no longer on sale."))
    if points_to_use < 0:
        raise OrderError(_("Points to use cannot be negative."))
    # Serialise orders of one customer so that points and coupons are spent once.
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    subtotal = sum(item.product.price * item.quantity for item in items)
    discount = 0
    coupon = None
    if coupon_code:
        coupon = (
            Coupon.objects.select_for_update()
            .filter(customer=customer, code=coupon_code.strip().upper())
            .select_related("template")
            .first()
        )
        if coupon is None or not coupon.is_usable:
            raise OrderError(_("This coupon cannot be used."))
        discount = coupon.template.discount_for(subtotal)
        if discount == 0:
            raise OrderError(_("The order total is below this coupon's minimum."))
    if points_to_use > points.balance(customer):
        raise OrderError(_("You do not have that many points."))
    points_to_use = min(points_to_use, subtotal - discount)
    order = Order.objects.create(
        number=_order_number(),
        customer=customer,
        subtotal=subtotal,
        discount=discount,
        points_used=points_to_use,
        total=subtotal - discount - points_to_use,
        recipient_name=recipient_name,
        shipping_address=shipping_address,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=item.product,
            product_name=item.product.name,
            unit_price=item.product.price,
            quantity=item.quantity,
        )
        for item in items
    )
    if coupon is not None:
        coupon.used_at = timezone.now()
        coupon.used_on = order
        coupon.save(update_fields=["used_at", "used_on"])
    if points_to_use:
        points.spend(
            customer,
            points_to_use,
            strength=strength,
            reason=PointEntry.Reason.ORDER_SPENT,
            order=order,
        )
    return order
