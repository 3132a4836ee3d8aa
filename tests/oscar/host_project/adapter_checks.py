"""Run as ``manage.py shell < adapter_checks.py`` in the Oscar shop: the Oscar adapter's
voucher restriction, merge and system checks against Oscar's real models; prints one JSON
line."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from oscar.apps.address.models import Country, UserAddress
from oscar.apps.basket.models import Basket
from oscar.apps.catalogue.models import Product
from oscar.apps.offer.applicator import Applicator
from oscar.apps.partner.strategy import Default

from store.contrib.oscar.checks import check_oscar_host
from store.contrib.oscar.models import WelcomeVoucher
from store.models import CouponTemplate
from store.services.merge import merge_customers

User = get_user_model()
result = {}
with transaction.atomic():
    owner = User.objects.create_user("owner", "owner@example.com", "pw-12345678")
    stranger = User.objects.create_user("stranger", "stranger@example.com", "pw-12345678")
    template = CouponTemplate.objects.create(name="Check", kind="percent", value=10)
    from store.contrib.oscar.adapter import issue_welcome_voucher

    voucher = issue_welcome_voucher(owner, template).voucher
    assert issue_welcome_voucher(owner, template).voucher == voucher  # once per customer
    mug = Product.objects.get(upc="MUG-1")

    def discount_for(user):
        basket = Basket.objects.create(owner=user)
        basket.strategy = Default()
        basket.add_product(mug)
        basket.vouchers.add(voucher)
        Applicator().apply(basket, user)
        return str(basket.total_discount)

    result["owner_discount"] = discount_for(owner)
    result["stranger_discount"] = discount_for(stranger)

    korea = Country.objects.get(iso_3166_1_a2="KR")
    for user, line1 in ((owner, "1 Same-ro"), (stranger, "1 Same-ro"), (stranger, "2 Other-ro")):
        UserAddress.objects.create(user=user, first_name="X", line1=line1, country=korea)
    record = merge_customers(stranger, owner, reason="check")
    result["moved"] = {k: v for k, v in record.moved.items() if k.startswith("oscar_")}
    result["owner_addresses"] = UserAddress.objects.filter(user=owner).count()
    result["owner_baskets"] = Basket.objects.filter(owner=owner).count()
    result["welcome_vouchers"] = WelcomeVoucher.objects.filter(user=owner).count()
    transaction.set_rollback(True)
# The system checks: clean as the README sets it up; each misconfiguration named.
result["checks"] = [e.id for e in check_oscar_host()]
with override_settings(STORE_HOST_ADAPTER="store.host.HostAdapter"):
    result["checks_default_adapter"] = [e.id for e in check_oscar_host()]
in_order = list(settings.INSTALLED_APPS)
settings.INSTALLED_APPS = [a for a in in_order if a != "store.contrib.oscar"] + [
    "store.contrib.oscar"
]
result["checks_app_after_oscar"] = [e.id for e in check_oscar_host()]
settings.INSTALLED_APPS = in_order
print(json.dumps(result, default=str))
