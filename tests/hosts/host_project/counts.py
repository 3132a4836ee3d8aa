"""Run as ``manage.py shell < counts.py``: the rows a promise may or may not write, as one
JSON line (users, customers, partner links, tombstones, users by an e-mail in COUNT_EMAIL)."""

import json
import os

from django.contrib.auth import get_user_model

from keymap.models import PartnerLink
from sociallogin.models import DeletedSocialAccount
from store.models import Customer

User = get_user_model()
email = os.environ.get("COUNT_EMAIL", "")
print(
    json.dumps(
        {
            "users": User._default_manager.count(),
            "customers": Customer.objects.count(),
            "partner_links": PartnerLink.objects.count(),
            "tombstones": DeletedSocialAccount.objects.count(),
            "with_email": User._default_manager.filter(
                **{f"{User.EMAIL_FIELD}__iexact": email}
            ).count(),
        }
    )
)
