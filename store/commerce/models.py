"""The built-in minimal shop: catalogue, orders and the coupons issued to customers.

Optional (``store.commerce`` in ``INSTALLED_APPS``); a host shop with commerce of its own
leaves it out. The tables keep the names they had in ``store`` (``db_table``).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from store.models import CouponTemplate, Customer, _coupon_code


class Coupon(models.Model):
    """A coupon issued to one customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="coupons")
    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="issued")
    code = models.CharField(max_length=20, unique=True, default=_coupon_code)
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_on = models.ForeignKey(
        "commerce.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "store_coupon"
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.template} [{self.code}]"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.expires_at:
            self.expires_at = self.issued_at + timedelta(days=self.template.valid_days)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(_("description"), blank=True)
    price = models.PositiveIntegerField(_("price (KRW)"), validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "store_product"
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("order number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default="placed")
    subtotal = models.PositiveIntegerField(_("subtotal"))
    discount = models.PositiveIntegerField(_("coupon discount"), default=0)
    points_used = models.PositiveIntegerField(_("points used"), default=0)
    total = models.PositiveIntegerField(_("total"))
    recipient_name = models.CharField(_("recipient"), max_length=100, blank=True)
    shipping_address = models.CharField(_("shipping address"), max_length=300, blank=True)
    anonymised = models.BooleanField(_("anonymised"), default=False)
    created_at = models.DateTimeField(_("ordered"), default=timezone.now)

    class Meta:
        db_table = "store_order"
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.number)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, on_delete=models.SET_NULL, related_name="+")
    product_name = models.CharField(max_length=200)
    unit_price = models.PositiveIntegerField()
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        db_table = "store_orderline"
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.product_name} x {self.quantity}"
