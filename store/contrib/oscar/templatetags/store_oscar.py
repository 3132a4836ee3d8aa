from __future__ import annotations

from typing import Any

from django import template

from store.services import customers, points

from ..models import WelcomeVoucher

register = template.Library()


@register.simple_tag(takes_context=True)
def store_benefits(context: Any) -> dict[str, Any]:
    """The signed-in customer's points balance and welcome voucher."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"points": 0, "voucher": None, "voucher_used": False}
    welcome = WelcomeVoucher.objects.filter(user=user).select_related("voucher").first()
    voucher = welcome.voucher if welcome else None
    return {
        "points": points.balance(customers.get_customer(user)),
        "voucher": voucher,
        "voucher_used": bool(voucher and voucher.num_orders),
    }
