import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.utils import timezone

from store.commerce.models import Order
from store.login_strength import Strength
from store.models import Customer, PointEntry, StoreSettings
from store.services import customers, points
from store.signals import account_deleting

from .factories import make_customer, make_product, set_welcome

pytestmark = pytest.mark.django_db


def test_store_signup_gets_welcome_points_and_coupon(client) -> None:
    set_welcome(points=500, coupon_value=3000)
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "username": "newbie",
            "password1": "a-Long-pass-9876",
            "password2": "a-Long-pass-9876",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(user__username="newbie")
    assert customer.join_channel == "store"
    assert points.balance(customer) == 500
    assert customer.coupons.get().template.value == 3000


def test_onboard_is_idempotent() -> None:
    set_welcome(points=100)
    customer = make_customer()
    again = customers.onboard(customer.user, "kakao")
    assert again.pk == customer.pk
    assert again.join_channel == "store"
    assert points.balance(again) == 100


def test_a_new_user_joins_onboarded_in_one_insert_and_is_welcomed_once(
    django_assert_num_queries,
) -> None:
    set_welcome(points=100)
    user = get_user_model().objects.create_user("joiner")
    now = timezone.now()
    changes = {"nickname": customers.ProfileChange("Joiner", "provider:kakao", now)}
    StoreSettings.load()  # cached, as in any request after the first
    # The row (already onboarded) and the welcome points: one INSERT each, nothing read.
    with django_assert_num_queries(2):
        customer = customers.join(user, "kakao", changes)
    customer.refresh_from_db()
    assert customer.join_channel == "kakao" and customer.nickname == "Joiner"
    assert customer.welcome_granted_at is not None
    assert customer.profile_sources["nickname"]["source"] == "provider:kakao"
    again = customers.onboard(user, "naver")  # any later onboarding grants nothing
    assert again.pk == customer.pk and again.join_channel == "kakao"
    assert points.balance(customer) == 100
    assert customers.onboard_deferred(user) is None


def test_a_failing_welcome_leaves_no_customer_row(monkeypatch) -> None:
    from django.db import transaction

    from store.host import HostAdapter

    def broken(*args, **kwargs) -> None:
        raise IntegrityError("simulated")

    monkeypatch.setattr(HostAdapter, "grant_welcome_benefits", broken)
    user = get_user_model().objects.create_user("joiner")
    with pytest.raises(IntegrityError), transaction.atomic():
        customers.join(user, "kakao", {})
    assert not Customer.objects.filter(user=user).exists()


def test_welcome_benefits_follow_the_current_settings() -> None:
    set_welcome(points=100)
    first = make_customer()
    set_welcome(points=700, coupon_value=10, kind="percent")
    second = make_customer()
    assert points.balance(first) == 100 and first.coupons.count() == 0
    assert points.balance(second) == 700 and second.coupons.count() == 1


def test_balance_is_the_sum_of_the_ledger_and_zero_entries_are_refused() -> None:
    customer = make_customer()
    points.grant(customer, 300, PointEntry.Reason.ADJUSTMENT)
    points.grant(customer, -120, PointEntry.Reason.ADJUSTMENT)
    assert points.balance(customer) == 180 == customer.points_balance
    with pytest.raises(ValueError):
        points.grant(customer, 0, PointEntry.Reason.ADJUSTMENT)
    with pytest.raises(IntegrityError):
        PointEntry.objects.create(customer=customer, amount=0, reason="adjustment")


def test_account_page_ledger_and_balance_in_one_query_while_the_ledger_is_short(
    django_assert_num_queries,
) -> None:
    customer = make_customer()
    PointEntry.objects.filter(customer=customer).delete()
    for amount in (300, -120, 40):
        points.grant(customer, amount, PointEntry.Reason.ADJUSTMENT)
    with django_assert_num_queries(1):
        entries, total = points.latest_and_balance(customer, limit=3)
    assert (len(entries), total) == (3, 220)
    points.grant(customer, 5, PointEntry.Reason.ADJUSTMENT)
    with django_assert_num_queries(2):  # longer than shown: the database sums it all
        entries, total = points.latest_and_balance(customer, limit=3)
    assert (len(entries), total) == (3, 225) and entries[0].amount == 5


def test_delete_account_keeps_orders_anonymised_and_removes_personal_data() -> None:
    set_welcome(points=100, coupon_value=1000)
    customer = make_customer(nickname="Mina", phone="010-1234-5678")
    order = Order.objects.create(
        number="ORD-1",
        customer=customer,
        subtotal=1,
        total=1,
        recipient_name="Kim Mina",
        shipping_address="Seoul",
    )
    seen = []
    account_deleting.connect(lambda **kw: seen.append(kw["user"].pk), weak=False, dispatch_uid="t")
    try:
        record = customers.delete_account(customer.user)
    finally:
        account_deleting.disconnect(dispatch_uid="t")
    assert seen == [customer.user_id]
    order.refresh_from_db()
    assert order.customer_id == customer.pk and order.anonymised
    assert order.recipient_name == "" and order.shipping_address == ""
    customer.refresh_from_db()
    assert customer.deleted_at and customer.nickname == "" and customer.phone == ""
    user = get_user_model().objects.get(pk=customer.user_id)
    assert not user.is_active and user.email == "" and user.username.startswith("deleted-")
    assert not user.has_usable_password()
    assert customer.coupons.count() == 0
    assert record.orders_kept == 1


def test_a_failing_deletion_hook_rolls_everything_back() -> None:
    customer = make_customer(nickname="Keep")

    def boom(**kwargs):
        raise RuntimeError("tombstone store down")

    account_deleting.connect(boom, weak=False, dispatch_uid="boom")
    try:
        with pytest.raises(RuntimeError):
            customers.delete_account(customer.user)
    finally:
        account_deleting.disconnect(dispatch_uid="boom")
    customer.refresh_from_db()
    assert customer.nickname == "Keep" and customer.deleted_at is None
    assert get_user_model().objects.get(pk=customer.user_id).is_active


def test_delete_account_view_asks_for_confirmation(client) -> None:
    customer = make_customer()
    client.force_login(customer.user)
    page = client.get("/account/delete/")
    assert page.status_code == 200
    assert client.post("/account/delete/", {}).status_code == 200  # unconfirmed: form again
    customer.refresh_from_db()
    assert customer.deleted_at is None
    response = client.post("/account/delete/", {"confirm": "on"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.deleted_at is not None
    assert "_auth_user_id" not in client.session


def test_store_settings_are_cached(django_assert_num_queries) -> None:
    StoreSettings.load()
    with django_assert_num_queries(0):
        StoreSettings.load()
    s = StoreSettings.load()
    s.name = "Renamed"
    s.save()
    assert StoreSettings.load().name == "Renamed"


def test_product_list_query_count(client, django_assert_max_num_queries) -> None:
    for _ in range(5):
        make_product()
    client.get("/")
    with django_assert_max_num_queries(2):
        assert client.get("/").status_code == 200


def test_account_page_query_count_does_not_grow_with_orders(
    client, django_assert_max_num_queries
) -> None:
    from store.services.orders import Item, place_order

    set_welcome(points=100, coupon_value=1000)
    customer = make_customer()
    client.force_login(customer.user)
    for _ in range(8):
        place_order(customer, [Item(make_product(), 2)], strength=Strength.CREDENTIAL)
    client.get("/account/")
    with django_assert_max_num_queries(12):
        response = client.get("/account/")
    assert response.content.decode().count("ORD-") == 8
