"""Moving the built-in shop's models to ``store.commerce`` keeps an existing database's rows:
a coupon, points and an order written before the move are found through the new app after."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("store", "0003_customer_profile_sources"), ("commerce", None)]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def test_rows_survive_the_move_to_store_commerce() -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        user = old.get_model("auth", "User").objects.create(username="before")
        customer = old.get_model("store", "Customer").objects.create(user=user)
        template = old.get_model("store", "CouponTemplate").objects.create(
            name="Welcome", kind="amount", value=3000
        )
        order = old.get_model("store", "Order").objects.create(
            number="ORD-1", customer=customer, subtotal=9000, total=9000, recipient_name="Mina"
        )
        old.get_model("store", "OrderLine").objects.create(
            order=order, product_name="Mug", unit_price=9000, quantity=1
        )
        old.get_model("store", "Coupon").objects.create(
            customer=customer, template=template, code="KEEPME", expires_at=timezone.now()
        )
        old.get_model("store", "PointEntry").objects.create(
            customer=customer, amount=500, reason="order_earned", order=order
        )

        _migrate(latest)
        from store.commerce.models import Coupon, Order
        from store.models import Customer, PointEntry

        customer = Customer.objects.get(user__username="before")
        moved = Order.objects.get(number="ORD-1")
        assert (moved.customer, moved.recipient_name) == (customer, "Mina")
        assert [line.product_name for line in moved.lines.all()] == ["Mug"]
        assert Coupon.objects.get(code="KEEPME").customer == customer
        entry = PointEntry.objects.get(customer=customer)
        assert (entry.amount, entry.order_ref) == (500, moved.pk)
        assert customer.points_balance == 500
    finally:
        _migrate(latest)
