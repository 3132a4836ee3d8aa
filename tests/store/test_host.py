"""The host adapter: loading from STORE_HOST_ADAPTER and the default (built-in) decisions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.test import RequestFactory

from store.commerce.models import Coupon, Order
from store.host import HostAdapter, get_host_adapter
from store.login_strength import Strength
from store.models import PointEntry, StoreSettings
from store.services.customers import get_customer
from store.services.orders import Item, place_order

from .factories import make_customer, make_product, set_welcome

pytestmark = pytest.mark.django_db


class ShopAdapter(HostAdapter):
    def base_template(self, request):
        return "shop/layout.html"


def test_default_adapter_is_the_built_in_commerce(settings) -> None:
    settings.STORE_HOST_ADAPTER = None
    adapter = get_host_adapter()
    assert type(adapter) is HostAdapter
    assert adapter is get_host_adapter()
    assert adapter.home_url(None) == "/"
    assert adapter.account_url(None) == "/account/"
    assert adapter.base_template(None) == "store/base.html"


def test_adapter_from_dotted_path(settings) -> None:
    settings.STORE_HOST_ADAPTER = f"{__name__}.ShopAdapter"
    assert isinstance(get_host_adapter(), ShopAdapter)


@pytest.mark.parametrize(
    ("path", "message"),
    [("store.nowhere.Adapter", "cannot be imported"), ("store.models.Customer", "not a subclass")],
)
def test_bad_adapter_path_names_the_setting(settings, path: str, message: str) -> None:
    settings.STORE_HOST_ADAPTER = path
    with pytest.raises(ImproperlyConfigured, match=rf"STORE_HOST_ADAPTER.*{message}"):
        get_host_adapter()


def test_default_grants_the_welcome_points_and_coupon() -> None:
    set_welcome(points=700, coupon_value=2000)
    user = get_user_model().objects.create_user("plain", "plain@example.com", "pw-12345678")
    customer = get_customer(user)
    HostAdapter().grant_welcome_benefits(customer, StoreSettings.load())
    assert customer.points_balance == 700
    assert PointEntry.objects.get(customer=customer).reason == PointEntry.Reason.WELCOME
    assert Coupon.objects.get(customer=customer).template.value == 2000


def test_default_erase_anonymises_orders_and_drops_unused_coupons() -> None:
    set_welcome(coupon_value=1000)
    customer = make_customer()
    other = make_customer()
    place_order(
        customer,
        [Item(make_product(), 1)],
        strength=Strength.CREDENTIAL,
        recipient_name="Kim Mina",
        shipping_address="Seoul",
    )
    assert HostAdapter().kept_orders_count(customer.user) == 1
    erased = HostAdapter().erase_personal_data(customer.user)
    assert erased == {"orders": 1, "coupons": 1}
    order = Order.objects.get(customer=customer)
    assert (order.recipient_name, order.shipping_address, order.anonymised) == ("", "", True)
    assert Coupon.objects.filter(customer=other).count() == 1


def test_default_merge_moves_orders_coupons_and_points() -> None:
    set_welcome(points=300, coupon_value=1000)
    source, target = make_customer(), make_customer()
    place_order(
        source,
        [Item(make_product(), 1)],
        strength=Strength.CREDENTIAL,
        recipient_name="A",
        shipping_address="B",
    )
    moved = HostAdapter().merge_commerce(source.user, target.user)
    assert moved == {"orders": 1, "coupons": 1, "points": 300}
    assert target.points_balance == 600 and source.points_balance == 0


def test_allauth_pages_extend_the_adapters_base_template(settings, tmp_path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "layout.html").write_text(
        "<shop>{% block title %}{% endblock %}|{% block content %}{% endblock %}</shop>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    settings.STORE_HOST_ADAPTER = f"{__name__}.ShopAdapter"
    request = RequestFactory().get("/accounts/password/reset/")
    html = render_to_string("account/password_reset.html", {"form": None}, request=request)
    assert html.startswith("<shop>") and html.rstrip().endswith("</shop>")


class RecordingAdapter(HostAdapter):
    """A host with commerce of its own: records what the core asks of it."""

    calls: list[tuple[str, int]] = []

    def grant_welcome_benefits(self, customer, store_settings):
        self.calls.append(("grant", customer.user_id))

    def merge_commerce(self, source_user, target_user):
        self.calls.append(("merge", source_user.pk))
        return {"host_orders": 2}

    def erase_personal_data(self, user):
        self.calls.append(("erase", user.pk))
        return {"orders": 3, "host_wishlists": 1}


def test_onboarding_merge_and_deletion_go_through_the_host_adapter(settings) -> None:
    from store.models import AccountDeletion
    from store.services.customers import delete_account, onboard
    from store.services.merge import merge_customers

    settings.STORE_HOST_ADAPTER = f"{__name__}.RecordingAdapter"
    RecordingAdapter.calls = []
    set_welcome(points=700, coupon_value=2000)
    source, target = make_customer(), make_customer()
    onboard(source.user)  # a second onboarding grants nothing
    assert RecordingAdapter.calls == [("grant", source.user_id), ("grant", target.user_id)]
    assert not PointEntry.objects.exists() and not Coupon.objects.exists()

    record = merge_customers(source.user, target.user, reason="test")
    assert record.moved["host_orders"] == 2
    delete_account(target.user)
    assert RecordingAdapter.calls[2:] == [("merge", source.user_id), ("erase", target.user_id)]
    assert AccountDeletion.objects.get(user_id=target.user_id).orders_kept == 3
