"""Run as ``manage.py shell < seed.py``: what a shop owner makes in Oscar's dashboard (a
product class, a partner, one product in stock) and a staff login for the dashboard."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from oscar.apps.catalogue.models import Product, ProductClass
from oscar.apps.partner.models import Partner, StockRecord

kind = ProductClass.objects.create(name="Pottery", requires_shipping=True, track_stock=True)
mug = Product.objects.create(title="Onggi Mug", product_class=kind, upc="MUG-1")
partner = Partner.objects.create(name="Icheon Kilns")
StockRecord.objects.create(
    product=mug, partner=partner, partner_sku="MUG-1", price=Decimal("24000"), num_in_stock=10
)
get_user_model().objects.create_superuser("boss", "boss@example.com", "Boss-pass-1234")
print("seeded", mug.pk)
