"""Run as ``manage.py shell < middleware_check.py``: the Oscar checks' ids with the recipe's
middleware, and with ``StoreMiddleware`` moved before Oscar's ``BasketMiddleware``."""

import json

from django.conf import settings
from django.test import override_settings

from store.contrib.oscar.checks import check_oscar_host

STORE = "store.middleware.StoreMiddleware"
BASKET = "oscar.apps.basket.middleware.BasketMiddleware"
early = [m for m in settings.MIDDLEWARE if m != STORE]
early.insert(early.index(BASKET), STORE)
with override_settings(MIDDLEWARE=early):
    moved = [c.id for c in check_oscar_host()]
print(json.dumps({"recipe": [c.id for c in check_oscar_host()], "store_first": moved}))
