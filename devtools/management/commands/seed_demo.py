"""Seed the demo shop: an admin, products, a welcome coupon (idempotent)."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from store.commerce.models import Product
from store.models import CouponTemplate, StoreSettings

PRODUCTS = [
    ("jeju-green-tea", "Jeju Green Tea", "First-flush sejak from Jeju island, 80 g.", 18000),
    ("hanji-notebook", "Hanji Notebook", "Hand-bound notebook of Korean mulberry paper.", 12500),
    ("onggi-mug", "Onggi Mug", "Breathable earthenware mug, 350 ml.", 24000),
    ("yuja-tea", "Yuja Tea", "Citron marmalade tea, 500 g jar.", 9900),
    ("bojagi-wrap", "Bojagi Gift Wrap", "Patchwork silk wrapping cloth, 50 x 50 cm.", 32000),
]


class Command(BaseCommand):
    help = "Create the demo admin, products and welcome benefits if they are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("DEMO_ADMIN_USER", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "admin-demo-1234")
        user_model = get_user_model()
        if not user_model._default_manager.filter(username=username).exists():
            user_model._default_manager.create_superuser(  # type: ignore[attr-defined]
                username=username, email="admin@example.com", password=password
            )
        for slug, name, description, price in PRODUCTS:
            Product.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "price": price}
            )
        settings_ = StoreSettings.load()
        if settings_.welcome_coupon_id is None and not settings_.welcome_points:
            coupon, _ = CouponTemplate.objects.get_or_create(
                name="Welcome 10%", defaults={"kind": "percent", "value": 10, "valid_days": 30}
            )
            settings_.name = "Social Store Demo"
            settings_.welcome_coupon = coupon
            settings_.welcome_points = 1000
            settings_.save()
        self.stdout.write(
            self.style.SUCCESS(f"Demo admin: {username} / {password}  (change it in the admin)")
        )
