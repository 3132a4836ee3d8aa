"""What the host adapter's default asks of the built-in shop: the welcome coupon, orders and
coupons on merge and on deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Coupon, Order

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from store.models import Customer


def issue_welcome_coupon(customer: Customer, template_id: int) -> Coupon:
    return Coupon.objects.create(customer=customer, template_id=template_id, reason="welcome")


def move(source: Customer, target: Customer) -> dict[str, int]:
    return {
        "orders": Order.objects.filter(customer=source).update(customer=target),
        "coupons": Coupon.objects.filter(customer=source).update(customer=target),
    }


def erase(user: User) -> dict[str, int]:
    """Anonymise the customer's orders (kept for the shop's accounting) and drop unused
    coupons."""
    orders = Order.objects.filter(customer__user=user).update(
        recipient_name="", shipping_address="", anonymised=True
    )
    coupons, _by_model = Coupon.objects.filter(customer__user=user, used_at__isnull=True).delete()
    return {"orders": orders, "coupons": coupons}
