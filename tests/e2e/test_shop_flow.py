"""Flow of the foundation, in a real browser: sign up, welcome benefits, order, my account;
the admin changes the welcome benefit and the next shopper gets the new one."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from store.commerce.models import Product
from store.models import CouponTemplate, StoreSettings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_up(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", f"{name}@example.com")
    page.fill("input[name=username]", name)
    page.fill("input[name=password1]", "Very-long-pass-4321")
    page.fill("input[name=password2]", "Very-long-pass-4321")
    page.locator("form").filter(has=page.locator("input[name=password2]")).locator(
        "button[type=submit]"
    ).click()


def test_signup_welcome_order_and_admin_changes_benefit(page: Page, live_server) -> None:
    base = live_server.url
    coupon = CouponTemplate.objects.create(name="Welcome", kind="amount", value=3000)
    settings_ = StoreSettings.load()
    settings_.welcome_points, settings_.welcome_coupon = 1000, coupon
    settings_.save()
    Product.objects.create(name="Onggi Mug", slug="onggi-mug", price=24000)
    get_user_model().objects.create_superuser("boss", "boss@example.com", "Boss-pass-1234")

    _sign_up(page, base, "mina")
    page.goto(f"{base}/account/")
    expect(page.get_by_test_id("points-balance")).to_have_text("1,000")
    code = page.get_by_test_id("coupons").locator("code").first.inner_text()

    page.goto(f"{base}/")
    page.get_by_test_id("product").filter(has_text="Onggi Mug").click()
    page.select_option("select[name=coupon_code]", code)
    page.fill("input[name=points]", "500")
    page.fill("input[name=recipient_name]", "Kim Mina")
    page.fill("input[name=shipping_address]", "1 Sejong-daero, Seoul")
    page.get_by_role("button", name="Place order").click()
    expect(page.locator(".messages")).to_contain_text("is placed")
    orders = page.get_by_test_id("orders")
    expect(orders).to_contain_text("Onggi Mug")
    expect(orders).to_contain_text("₩20,500")
    expect(page.get_by_test_id("points-balance")).to_have_text("500")

    # The admin raises the welcome points; it takes effect for the very next signup.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "Boss-pass-1234")
    page.locator("input[type=submit]").click()
    page.goto(f"{base}/admin/store/storesettings/")
    page.fill("input[name=welcome_points]", "-10")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    page.fill("input[name=welcome_points]", "2500")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("changed successfully"))
    page.context.clear_cookies()

    _sign_up(page, base, "joon")
    page.goto(f"{base}/account/")
    expect(page.get_by_test_id("points-balance")).to_have_text("2,500")
    expect(page.get_by_test_id("coupon-count")).to_have_text("1")
