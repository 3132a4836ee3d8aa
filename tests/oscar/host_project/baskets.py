"""Run as ``manage.py shell < baskets.py`` with ``BASKET_EMAIL``: the quantity in the
customer's open Oscar baskets and in open anonymous baskets, as one JSON line."""

import json
import os

from django.db.models import Sum
from oscar.apps.basket.models import Line

open_lines = Line.objects.filter(basket__status="Open")
print(
    json.dumps(
        {
            "customer": open_lines.filter(
                basket__owner__email__iexact=os.environ["BASKET_EMAIL"]
            ).aggregate(n=Sum("quantity"))["n"]
            or 0,
            "anonymous": open_lines.filter(basket__owner=None).aggregate(n=Sum("quantity"))["n"]
            or 0,
        }
    )
)
