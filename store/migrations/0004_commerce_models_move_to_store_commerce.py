"""The built-in shop's models (coupons, products, orders, order lines) move to
``store.commerce``; their tables stay (``db_table``), so an existing database keeps its rows.

The points ledger stays in ``store`` and refers to an order by id (same column, no foreign
key), so that a host without the built-in shop keeps the ledger.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0003_customer_profile_sources"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pointentry",
            name="order",
            field=models.BigIntegerField(
                blank=True, db_column="order_id", null=True, verbose_name="order"
            ),
        ),
        migrations.RenameField(model_name="pointentry", old_name="order", new_name="order_ref"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="order", name="customer"),
                migrations.RemoveField(model_name="orderline", name="order"),
                migrations.RemoveField(model_name="orderline", name="product"),
                migrations.DeleteModel(name="Coupon"),
                migrations.DeleteModel(name="OrderLine"),
                migrations.DeleteModel(name="Order"),
                migrations.DeleteModel(name="Product"),
            ],
            database_operations=[],
        ),
    ]
