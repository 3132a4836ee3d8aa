"""``manage.py sociallogin_revoke_apple_tokens``: retry Apple revocations that failed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sociallogin.apple_revocation import revoke_for_deleted_accounts
from sociallogin.models import AppleRevocation


class Command(BaseCommand):
    help = "Revoke at Apple the tokens still kept for deleted accounts (after a failed try)."

    def handle(self, *args: Any, **options: Any) -> None:
        records = revoke_for_deleted_accounts()
        revoked = sum(1 for r in records if r.outcome == AppleRevocation.Outcome.REVOKED)
        self.stdout.write(f"{revoked} revoked, {len(records) - revoked} failed")
