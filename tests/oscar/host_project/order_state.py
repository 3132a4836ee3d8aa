"""Run as ``manage.py shell < order_state.py``: what Oscar keeps of the last order's customer."""

import json

from oscar.apps.address.models import UserAddress
from oscar.apps.order.models import Order

order = Order.objects.order_by("-pk").first()
print(
    json.dumps(
        {
            "addresses": UserAddress.objects.filter(user=order.user).count(),
            "guest_email": order.guest_email,
            "line1": order.shipping_address.line1,
            "first_name": order.shipping_address.first_name,
        }
    )
)
