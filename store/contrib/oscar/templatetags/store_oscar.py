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


@register.simple_tag(takes_context=True)
def one_login_error(context: Any, form: Any) -> Any:
    """Oscar's login form without its "wrong e-mail or password" when the partner could not
    answer: the page then says only that the login service is unavailable (its message)."""
    from django.apps import apps
    from django.core.exceptions import NON_FIELD_ERRORS

    if form is None or not form.is_bound or not apps.is_installed("keymap"):
        return form
    from keymap.backends import partner_fault

    if partner_fault(context.get("request")) is not None and form.errors:
        form.errors.pop(NON_FIELD_ERRORS, None)
    return form
