"""Small helpers to make customers and products in tests."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from store.commerce.models import Product
from store.models import CouponTemplate, Customer, StoreSettings
from store.new_users import onboarded_by_caller
from store.services.customers import onboard

_seq = itertools.count(1)


def make_customer(username: str | None = None, channel: str = "store", **profile) -> Customer:
    n = next(_seq)
    user = get_user_model()(username=username or f"user{n}", email=f"user{n}@example.com")
    user.set_password("pw-12345678")
    with onboarded_by_caller():  # joins on ``channel`` below, not the store's default
        user.save()
    return onboard(user, channel, profile=profile or None)


def make_product(price: int = 10000, slug: str | None = None) -> Product:
    n = next(_seq)
    return Product.objects.create(name=f"Product {n}", slug=slug or f"product-{n}", price=price)


def set_welcome(points: int = 0, coupon_value: int | None = None, kind: str = "amount") -> None:
    s = StoreSettings.load()
    s.welcome_points = points
    s.welcome_coupon = (
        CouponTemplate.objects.create(name="Welcome", kind=kind, value=coupon_value)
        if coupon_value
        else None
    )
    s.save()
