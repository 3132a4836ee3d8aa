"""Which Oscar voucher is whose welcome voucher, and the condition that keeps it theirs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.offer import models as _offer_models  # noqa: F401  (loads Oscar's offer models first)
from oscar.apps.offer.conditions import ValueCondition


class WelcomeVoucher(models.Model):
    """The welcome voucher issued to one customer (at most one each)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="welcome_voucher"
    )
    voucher = models.OneToOneField(
        "voucher.Voucher", on_delete=models.CASCADE, related_name="welcome_for"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    # Declared for type checkers: the demo's settings, which mypy reads, do not install Oscar.
    objects: models.Manager[WelcomeVoucher] = models.Manager()
    user_id: int
    voucher_id: int

    class Meta:
        verbose_name = _("welcome voucher")
        verbose_name_plural = _("welcome vouchers")

    def __str__(self) -> str:
        return f"{self.voucher.code} → #{self.user_id}"


class CustomerValueCondition(ValueCondition):
    """Oscar's value condition ("the basket holds at least ``value``") that only the
    customer the voucher was issued to can meet.

    Oscar has no per-customer voucher: a single-use voucher is spent by whoever types the
    code first. A custom condition (Oscar's ``proxy_class``) is Oscar's own extension point
    for this and needs no fork of the voucher app; it is checked on every basket
    recalculation and again when the order is placed.
    """

    class Meta:
        proxy = True
        app_label = "store_oscar"
        verbose_name = _("Welcome voucher condition")
        verbose_name_plural = _("Welcome voucher conditions")

    def _is_owner(self, offer: Any, basket: Any) -> bool:
        owner_id = getattr(basket, "owner_id", None)
        return (
            owner_id is not None
            and WelcomeVoucher.objects.filter(voucher__offers=offer, user_id=owner_id).exists()
        )

    def is_satisfied(self, offer: Any, basket: Any) -> bool:
        return self._is_owner(offer, basket) and super().is_satisfied(offer, basket)

    def is_partially_satisfied(self, offer: Any, basket: Any) -> bool:
        return self._is_owner(offer, basket) and super().is_partially_satisfied(offer, basket)
