"""The host adapter: every decision that depends on the shop the plugin is embedded in.

Like allauth's adapters, one class with one small method per decision, chosen by the dotted
path in ``STORE_HOST_ADAPTER``. The default uses the points ledger and, when installed, the
built-in shop (``store.commerce``: coupons, orders, shop front);
``store.contrib.oscar.adapter.OscarHostAdapter`` uses django-oscar's vouchers, baskets,
orders and addresses.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

if TYPE_CHECKING:  # the configured user model, as django-stubs resolves it
    from django.contrib.auth.models import User

    from .models import Customer, StoreSettings

DEFAULT_HOST_ADAPTER = "store.host.HostAdapter"


class HostAdapter:
    """The default: the built-in minimal commerce of ``store``."""

    #: View names (``resolve(path).view_name``) of the host's own login and logout pages
    #: that stand in for allauth's at ``account_login``/``account_logout`` (check
    #: ``store.W003``); such a login page shows the provider buttons with
    #: ``{% include "sociallogin/host_login.html" %}``.
    login_page_views: frozenset[str] = frozenset()

    #: View names of the host's catalogue: pages that show nothing of the customer, which
    #: even a user-ID-only session may open (it is sent to the stronger login elsewhere).
    catalogue_views: frozenset[str] = frozenset(
        {"commerce:product_list", "commerce:product_detail"}
    )

    def grant_welcome_benefits(self, customer: Customer, store_settings: StoreSettings) -> None:
        """Give a new customer the store's welcome points and coupon (inside onboarding's
        transaction, exactly once per customer). The coupon needs the built-in shop."""
        from .models import PointEntry
        from .services import points

        if store_settings.welcome_points:
            points.grant(customer, store_settings.welcome_points, PointEntry.Reason.WELCOME)
        if store_settings.welcome_coupon_id and _commerce_installed():
            from .commerce import commerce_data

            commerce_data.issue_welcome_coupon(customer, store_settings.welcome_coupon_id)

    def merge_commerce(self, source_user: User, target_user: User) -> dict[str, int]:
        """Move the source's points (and the built-in shop's orders and coupons) onto the
        target; counts by kind."""
        from .services import merge

        return merge.move_store_data(source_user, target_user)

    def erase_personal_data(self, user: User) -> dict[str, int]:
        """Anonymise the built-in shop's orders and drop unused coupons (inside the
        deletion's transaction); orders stay for the shop's accounting. Counts by kind;
        ``"orders"`` is recorded on the deletion as the number of orders kept."""
        if not _commerce_installed():
            return {"orders": 0}
        from .commerce import commerce_data

        return commerce_data.erase(user)

    def kept_orders_count(self, user: User) -> int:
        """How many of the customer's orders a deletion keeps (anonymised), to tell them."""
        if not _commerce_installed():
            return 0
        from .commerce.models import Order

        return Order.objects.filter(customer__user=user).count()

    def home_url(self, request: HttpRequest | None) -> str:
        return _reverse_or("commerce:product_list", "/")

    def account_url(self, request: HttpRequest | None) -> str:
        return _reverse_or("commerce:account", self.home_url(request))

    def consents_url(self, request: HttpRequest | None) -> str:
        """The customer's consents page (link it from the host's account page); mails about
        consents point here too."""
        return reverse("store:consents")

    def base_template(self, request: HttpRequest | None) -> str:
        """The template that the plugin's pages and allauth's pages extend."""
        return "store/base.html"


def _commerce_installed() -> bool:
    return apps.is_installed("store.commerce")


def _reverse_or(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def host_adapter_path() -> str:
    from .app_settings import app_settings

    return app_settings.HOST_ADAPTER


@cache
def _load(path: str) -> HostAdapter:
    try:
        adapter_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"STORE_HOST_ADAPTER = {path!r} cannot be imported: {exc}"
        ) from exc
    if not (isinstance(adapter_class, type) and issubclass(adapter_class, HostAdapter)):
        raise ImproperlyConfigured(
            f"STORE_HOST_ADAPTER = {path!r} is not a subclass of store.host.HostAdapter"
        )
    return adapter_class()


def get_host_adapter() -> HostAdapter:
    """The configured adapter, one instance per class path (settings may change in tests)."""
    return _load(host_adapter_path())
