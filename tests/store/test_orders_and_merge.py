import pytest
from django.contrib.auth import get_user_model

from store import registry
from store.commerce.models import Coupon, Order
from store.login_strength import Strength
from store.models import CouponTemplate, MergeRecord, PointEntry
from store.services import points
from store.services.merge import MergeError, merge_customers
from store.services.orders import Item, OrderError, place_order

from .factories import make_customer, make_product

STRONG = Strength.CREDENTIAL  # a password or social login: may spend points and coupons

pytestmark = pytest.mark.django_db


def _coupon(customer, value=1000, kind="amount", min_total=0):
    template = CouponTemplate.objects.create(
        name="C", kind=kind, value=value, min_order_total=min_total
    )
    return Coupon.objects.create(customer=customer, template=template)


def test_order_with_coupon_and_points() -> None:
    customer = make_customer()
    points.grant(customer, 2000, PointEntry.Reason.ADJUSTMENT)
    coupon = _coupon(customer, value=10, kind="percent")
    order = place_order(
        customer,
        [Item(make_product(price=10000), 2)],
        strength=STRONG,
        coupon_code=coupon.code.lower(),
        points_to_use=500,
    )
    assert (order.subtotal, order.discount, order.points_used, order.total) == (
        20000,
        2000,
        500,
        17500,
    )
    coupon.refresh_from_db()
    assert coupon.used_on == order and not coupon.is_usable
    assert points.balance(customer) == 1500
    assert order.lines.get().product_name.startswith("Product")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"coupon_code": "NOPE"}, "coupon"),
        ({"points_to_use": 99999}, "points"),
        ({"points_to_use": -1}, "negative"),
    ],
)
def test_refused_orders_leave_nothing_behind(kwargs, message) -> None:
    customer = make_customer()
    with pytest.raises(OrderError, match=message):
        place_order(customer, [Item(make_product(), 1)], strength=STRONG, **kwargs)
    assert Order.objects.count() == 0


def test_a_used_coupon_cannot_be_used_twice() -> None:
    customer = make_customer()
    coupon = _coupon(customer)
    place_order(customer, [Item(make_product(), 1)], strength=STRONG, coupon_code=coupon.code)
    with pytest.raises(OrderError):
        place_order(customer, [Item(make_product(), 1)], strength=STRONG, coupon_code=coupon.code)
    assert Order.objects.count() == 1


def test_coupon_minimum_is_enforced() -> None:
    customer = make_customer()
    coupon = _coupon(customer, min_total=50000)
    with pytest.raises(OrderError, match="minimum"):
        place_order(
            customer, [Item(make_product(price=1000), 1)], strength=STRONG, coupon_code=coupon.code
        )


def test_order_view_places_an_order(client) -> None:
    customer = make_customer()
    product = make_product(price=5000)
    client.force_login(customer.user)
    response = client.post(
        f"/products/{product.slug}/",
        {"quantity": 2, "points": 0, "recipient_name": "Kim", "shipping_address": "Seoul"},
    )
    assert response.status_code == 302
    assert customer.orders.get().total == 10000
    page = client.get("/account/")
    assert customer.orders.get().number in page.content.decode()


def test_order_view_shows_the_reason_of_a_refusal(client) -> None:
    customer = make_customer()
    product = make_product(price=1000)
    coupon = _coupon(customer, min_total=50000)
    client.force_login(customer.user)
    page = client.get(f"/products/{product.slug}/").content.decode()
    assert f'value="{coupon.code}"' in page  # offered: the shopper picks it from a list
    response = client.post(
        f"/products/{product.slug}/",
        {"quantity": 1, "coupon_code": coupon.code, "recipient_name": "K", "shipping_address": "S"},
    )
    assert response.status_code == 200
    assert "below this coupon" in response.content.decode()
    assert Order.objects.count() == 0
    response = client.post(
        f"/products/{product.slug}/",
        {"quantity": 1, "coupon_code": "BOGUS", "recipient_name": "K", "shipping_address": "S"},
    )
    assert "coupon_code" in response.context["form"].errors
    assert Order.objects.count() == 0


def test_merge_moves_everything_and_is_audited() -> None:
    a, b = make_customer(nickname=""), make_customer(nickname="B", phone="010")
    points.grant(b, 700, PointEntry.Reason.ADJUSTMENT)
    _coupon(b)
    place_order(b, [Item(make_product(), 1)], strength=STRONG)
    record = merge_customers(b.user, a.user, reason="same partner id")
    assert a.orders.count() == 1 and a.coupons.count() == 1
    assert points.balance(a) == 700 and points.balance(b) == 0
    a.refresh_from_db()
    assert a.phone == "010"
    assert record.moved["orders"] == 1 and record.moved["points"] == 700
    assert MergeRecord.objects.get().reason == "same partner id"
    assert not get_user_model().objects.get(pk=b.user_id).is_active


def test_merge_runs_registered_handlers_and_rolls_back_on_failure() -> None:
    a, b = make_customer(), make_customer()
    place_order(b, [Item(make_product(), 1)], strength=STRONG)
    calls = []
    registry.register_merge_handler("test_ok", lambda s, t: calls.append(1) or {"rows": 3})

    def failing(source, target):
        raise RuntimeError("handler failed")

    try:
        record = merge_customers(b.user, a.user, reason="ok")
        assert record.moved["test_ok.rows"] == 3 and calls == [1]
        c = make_customer()
        place_order(c, [Item(make_product(), 1)], strength=STRONG)
        registry.register_merge_handler("test_fail", failing)
        with pytest.raises(RuntimeError):
            merge_customers(c.user, a.user, reason="fails")
        assert c.orders.count() == 1
        assert MergeRecord.objects.count() == 1
    finally:
        registry._merge_handlers.pop("test_ok", None)
        registry._merge_handlers.pop("test_fail", None)


def test_merge_into_itself_is_refused() -> None:
    a = make_customer()
    with pytest.raises(MergeError):
        merge_customers(a.user, a.user, reason="x")
