"""Admin of the built-in shop: products, orders, issued coupons (and them on the customer)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from store import users
from store.admin import CustomerAdmin
from store.models import Customer

from .models import Coupon, Order, OrderLine, Product


class CouponInline(admin.TabularInline):
    model = Coupon
    extra = 0
    fields = ["template", "code", "issued_at", "expires_at", "used_at"]
    readonly_fields = ["code", "issued_at", "used_at"]


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "template", "customer", "issued_at", "expires_at", "used_at"]
    list_filter = ["template"]
    search_fields = ["code", *users.lookups("customer__user")]
    raw_id_fields = ["customer", "used_on"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "is_active"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    readonly_fields = ["product", "product_name", "unit_price", "quantity"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "status", "total", "created_at", "anonymised"]
    list_filter = ["status", "anonymised"]
    search_fields = ["number"]
    raw_id_fields = ["customer"]
    readonly_fields = ["number", "subtotal", "discount", "points_used", "total", "anonymised"]
    inlines = [OrderLineInline]


admin.site.unregister(Customer)


@admin.register(Customer)
class CustomerWithCouponsAdmin(CustomerAdmin):
    inlines = [*CustomerAdmin.inlines, CouponInline]  # type: ignore[list-item]
