"""The host adapter for django-oscar: Oscar's vouchers, baskets, orders and addresses.

Points stay in the store's own ledger (Oscar has no loyalty points) and are shown on
Oscar's account page; Oscar's checkout does not spend them.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from store.host import HostAdapter

from .models import CustomerValueCondition, WelcomeVoucher

if TYPE_CHECKING:  # the configured user model, as django-stubs resolves it
    from django.contrib.auth.models import User

    from store.models import CouponTemplate, Customer, StoreSettings

WELCOME_RANGE_NAME = "Welcome vouchers: all products"
CONDITION_CLASS = f"{CustomerValueCondition.__module__}.{CustomerValueCondition.__name__}"
# Personal fields of Oscar's addresses (user, shipping and billing addresses).
ADDRESS_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "search_text",
)


def _model(label: str, name: str):  # type: ignore[no-untyped-def]
    # Through the app registry so that a shop's forked Oscar apps are honoured.
    return apps.get_model(label, name)


class OscarHostAdapter(HostAdapter):
    """``STORE_HOST_ADAPTER = "store.contrib.oscar.adapter.OscarHostAdapter"``."""

    # Oscar's URLs come first in the README's recipe: its login page (with the provider
    # buttons) and logout answer at /accounts/login/ and /accounts/logout/.
    login_page_views = frozenset({"customer:login", "customer:logout"})
    catalogue_views = frozenset(
        {
            "home",
            "catalogue:index",
            "catalogue:detail",
            "catalogue:category",
            "catalogue:range",
            "search:search",
        }
    )

    def grant_welcome_benefits(self, customer: Customer, store_settings: StoreSettings) -> None:
        from store.models import PointEntry
        from store.services import points

        if store_settings.welcome_points:
            points.grant(customer, store_settings.welcome_points, PointEntry.Reason.WELCOME)
        if store_settings.welcome_coupon is not None:
            issue_welcome_voucher(customer.user, store_settings.welcome_coupon)  # type: ignore[arg-type]

    def merge_commerce(self, source_user: User, target_user: User) -> dict[str, int]:
        moved = super().merge_commerce(source_user, target_user)
        moved.update(merge_oscar_data(source_user, target_user))
        return moved

    def erase_personal_data(self, user: User) -> dict[str, int]:
        erased = super().erase_personal_data(user)
        erased.update(erase_oscar_data(user))
        # "orders" is what the deletion record counts as kept: Oscar's orders are kept too.
        erased["orders"] = erased.get("orders", 0) + erased["oscar_orders"]
        return erased

    def kept_orders_count(self, user: User) -> int:
        oscar_orders = _model("order", "Order").objects.filter(user=user).count()
        return super().kept_orders_count(user) + oscar_orders

    def home_url(self, request: HttpRequest | None) -> str:
        return _reverse_or("home", "/")

    def account_url(self, request: HttpRequest | None) -> str:
        return _reverse_or("customer:summary", self.home_url(request))

    def base_template(self, request: HttpRequest | None) -> str:
        return "oscar/layout.html"


def _reverse_or(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _welcome_range():  # type: ignore[no-untyped-def]
    range_model = _model("offer", "Range")
    rng, _created = range_model.objects.get_or_create(
        name=WELCOME_RANGE_NAME, defaults={"includes_all_products": True}
    )
    return rng


@transaction.atomic
def issue_welcome_voucher(user: User, template: CouponTemplate) -> WelcomeVoucher:
    """An Oscar voucher for ``template``'s discount that only ``user`` can use, once.

    Single use (Oscar's ``SINGLE_USE``), valid for the template's days, with the
    template's minimum order total as an Oscar value condition restricted to ``user``.
    Issued at most once per customer.
    """
    existing = WelcomeVoucher.objects.filter(user=user).select_related("voucher").first()
    if existing is not None:
        return existing
    voucher_model = _model("voucher", "Voucher")
    offer_model = _model("offer", "ConditionalOffer")
    benefit_model = _model("offer", "Benefit")
    condition_model = _model("offer", "Condition")
    rng = _welcome_range()
    code = f"WELCOME-{secrets.token_hex(5).upper()}"
    now = timezone.now()
    ends = now + timedelta(days=template.valid_days)
    benefit = benefit_model.objects.create(
        range=rng,
        type=benefit_model.PERCENTAGE if template.kind == "percent" else benefit_model.FIXED,
        value=Decimal(template.value),
    )
    condition = condition_model.objects.create(
        range=rng, proxy_class=CONDITION_CLASS, value=Decimal(template.min_order_total)
    )
    offer = offer_model.objects.create(
        name=f"{template.name} {code}",
        description=gettext("Welcome voucher of customer #%(id)s") % {"id": user.pk},
        offer_type=offer_model.VOUCHER,
        condition=condition,
        benefit=benefit,
        start_datetime=now,
        end_datetime=ends,
    )
    voucher = voucher_model.objects.create(
        # Oscar shows the name in the basket; names are unique in Oscar.
        name=f"{template.name[:100]} ({code})",
        code=code,
        usage=voucher_model.SINGLE_USE,
        start_datetime=now,
        end_datetime=ends,
    )
    voucher.offers.add(offer)
    return WelcomeVoucher.objects.create(user=user, voucher=voucher)


def erase_oscar_data(user: User) -> dict[str, int]:
    """Anonymise Oscar's orders of ``user`` and delete what Oscar keeps about them that no
    order needs: address book, sent e-mails, stock alerts, notifications, open baskets and
    an unused welcome voucher. Orders stay (the shop's accounting), without personal data."""
    order_model = _model("order", "Order")
    orders = order_model.objects.filter(user=user)
    blank = dict.fromkeys(ADDRESS_FIELDS, "")
    erased = {
        "oscar_orders": orders.update(guest_email=""),
        "oscar_shipping_addresses": _model("order", "ShippingAddress")
        .objects.filter(order__in=orders)
        .update(**blank, phone_number="", notes=""),
        "oscar_billing_addresses": _model("order", "BillingAddress")
        .objects.filter(order__in=orders)
        .update(**blank),
        "oscar_addresses": _model("address", "UserAddress").objects.filter(user=user).delete()[0],
        "oscar_emails": _model("communication", "Email").objects.filter(user=user).delete()[0],
        "oscar_notifications": _model("communication", "Notification")
        .objects.filter(Q(recipient=user) | Q(sender=user))
        .delete()[0],
        "oscar_alerts": _model("customer", "ProductAlert").objects.filter(user=user).delete()[0],
        "oscar_baskets": _model("basket", "Basket")
        .objects.filter(owner=user)
        .exclude(status="Submitted")
        .delete()[0],
    }
    unused = WelcomeVoucher.objects.filter(user=user, voucher__num_orders=0)
    erased["oscar_welcome_vouchers"] = _delete_welcome_vouchers(unused)
    return erased


def _delete_welcome_vouchers(welcome: Any) -> int:
    """Delete welcome vouchers with the offer, benefit and condition made for each alone
    (else the offer stays in Oscar's dashboard list, naming the code)."""
    vouchers = _model("voucher", "Voucher").objects.filter(welcome_for__in=welcome)
    offers = _model("offer", "ConditionalOffer").objects.filter(vouchers__in=vouchers)
    parts = list(offers.values_list("benefit_id", "condition_id"))
    offer_ids = list(offers.values_list("pk", flat=True))
    deleted = vouchers.delete()[0]
    _model("offer", "ConditionalOffer").objects.filter(pk__in=offer_ids).delete()
    _model("offer", "Benefit").objects.filter(pk__in=[b for b, _c in parts]).delete()
    _model("offer", "Condition").objects.filter(pk__in=[c for _b, c in parts]).delete()
    return int(deleted)


def merge_oscar_data(source: User, target: User) -> dict[str, int]:
    """Move ``source``'s Oscar baskets, orders and address book onto ``target``.

    Addresses the target already has (Oscar's per-user address hash) are dropped rather
    than duplicated; the target's defaults win.
    """
    address_model = _model("address", "UserAddress")
    target_hashes = set(address_model.objects.filter(user=target).values_list("hash", flat=True))
    duplicates = address_model.objects.filter(user=source, hash__in=target_hashes)
    dropped = duplicates.delete()[0]
    addresses = address_model.objects.filter(user=source).update(
        user=target, is_default_for_shipping=False, is_default_for_billing=False
    )
    moved = {
        "oscar_orders": _model("order", "Order").objects.filter(user=source).update(user=target),
        "oscar_baskets": _model("basket", "Basket")
        .objects.filter(owner=source)
        .update(owner=target),
        "oscar_addresses": addresses,
        "oscar_addresses_dropped": dropped,
    }
    # A customer keeps one welcome voucher: the target's, or the source's if it has none.
    if not WelcomeVoucher.objects.filter(user=target).exists():
        moved["oscar_welcome_vouchers"] = WelcomeVoucher.objects.filter(user=source).update(
            user=target
        )
    return moved
