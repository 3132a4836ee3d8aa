"""The one place Kakao Sync changes a customer's profile row (``store.Customer``).

Kakao tells the shop about consents withdrawn and profiles changed; the store's own
services own the row, so these writes stay together here, small and named.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from store.models import Customer

PROFILE_FIELDS = ("nickname", "phone", "birthday", "gender")


def update_customer(
    user: Any, *, marketing: bool | None = None, profile: dict[str, Any] | None = None
) -> int:
    """Set marketing consent and/or profile fields; returns the rows changed (0 or 1)."""
    fields: dict[str, Any] = {}
    if marketing is not None:
        fields["marketing_consent"] = marketing
        fields["marketing_consent_at"] = timezone.now() if marketing else None
    for name, value in (profile or {}).items():
        if name in PROFILE_FIELDS and value not in (None, ""):
            fields[name] = str(value)[:100] if name == "nickname" else value
    if not fields:
        return 0
    return Customer.objects.filter(user=user, deleted_at__isnull=True).update(**fields)
