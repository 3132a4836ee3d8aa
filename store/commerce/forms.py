"""The order form of the built-in shop front."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Coupon


class OrderForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)
    coupon_code = forms.ChoiceField(label=_("Coupon"), required=False)
    points = forms.IntegerField(label=_("Points to use"), min_value=0, initial=0, required=False)
    recipient_name = forms.CharField(label=_("Recipient"), max_length=100)
    shipping_address = forms.CharField(label=_("Shipping address"), max_length=300)

    def __init__(self, *args: Any, coupons: Iterable[Coupon] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The shopper picks one of their usable coupons; whether it still applies is
        # decided when the order is placed (it may have been used in another tab).
        field = self.fields["coupon_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No coupon")), *((c.code, str(c.template)) for c in coupons)]
