"""Run as ``manage.py shell < account_state.py`` with ``STATE_EMAIL`` and ``STATE_CODE`` in
the environment: what the shop still holds of a deleted customer, as one JSON line."""

import json
import os

from django.contrib.auth import get_user_model
from oscar.apps.offer.models import ConditionalOffer
from oscar.apps.voucher.models import Voucher

from sociallogin.models import DeletedSocialAccount
from store.models import AccountDeletion

email, code = os.environ["STATE_EMAIL"], os.environ["STATE_CODE"]
print(
    json.dumps(
        {
            "users": get_user_model().objects.filter(email__iexact=email).count(),
            "deletions": AccountDeletion.objects.filter(join_channel="kakao").count(),
            "tombstones": DeletedSocialAccount.objects.filter(provider="kakao").count(),
            "vouchers": Voucher.objects.filter(code=code).count(),
            "offers": ConditionalOffer.objects.filter(name__contains=code).count(),
        }
    )
)
