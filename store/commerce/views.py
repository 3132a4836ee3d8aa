"""The built-in shop front: catalogue, ordering, my account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from store import login_strength
from store.login_strength import Strength
from store.services import customers, points
from store.services.orders import Item, OrderError, place_order

from .forms import OrderForm
from .models import Coupon, Product


def product_list(request: HttpRequest) -> HttpResponse:
    products = Product.objects.filter(is_active=True)
    return render(request, "commerce/product_list.html", {"products": products})


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = get_object_or_404(Product, slug=slug, is_active=True)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    strength = login_strength.of(request)
    if request.method == "POST":
        # A user-ID-only session orders nothing: to the stronger login (the middleware).
        login_strength.require(strength, "place an order")
    context: dict[str, Any] = {
        "product": product,
        "weak_login": strength.strength <= Strength.USER_ID,
    }
    coupons: list[Coupon] = []
    if request.user.is_authenticated and not context["weak_login"]:
        customer = customers.get_customer(request.user)  # type: ignore[arg-type]
        coupons = [c for c in customer.coupons.select_related("template") if c.is_usable]
        context["points_balance"] = points.balance(customer)
    form = OrderForm(request.POST or None, coupons=coupons)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            order = place_order(
                customer,
                [Item(product, form.cleaned_data["quantity"])],
                strength=strength,
                coupon_code=form.cleaned_data["coupon_code"] or "",
                points_to_use=form.cleaned_data["points"] or 0,
                recipient_name=form.cleaned_data["recipient_name"],
                shipping_address=form.cleaned_data["shipping_address"],
            )
        except OrderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you! Order %s is placed.") % order.number)
            return redirect("commerce:account")
    return render(request, "commerce/product_detail.html", context)


def _login_url() -> str:
    from sociallogin.headless import view_url

    # allauth's login page, or the front end's in a HEADLESS_ONLY project.
    return view_url(None, "account_login")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    customer = customers.get_customer(request.user)  # type: ignore[arg-type]
    point_entries, points_balance = points.latest_and_balance(customer)
    context = {
        "customer": customer,
        "orders": customer.orders.prefetch_related("lines"),
        "coupons": customer.coupons.select_related("template"),
        "point_entries": point_entries,
        "points_balance": points_balance,
    }
    return render(request, "commerce/account.html", context)
