"""Network Act art. 50(8): every two years, each customer who agreed to advertising is told
what they agreed to and how to withdraw.

Run it daily (cron, a systemd timer, Celery beat): it mails exactly the customers whose
consent, or last confirmation, turned two years old since, and records each mail
(``store.ConsentNotice``), so a second run the same day mails nobody.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from store import consents


class Command(BaseCommand):
    help = "Mail the two-yearly confirmation of advertising consent to the customers due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List how many are due; mail nobody."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            due = consents.due_for_confirmation()
            self.stdout.write(f"{len(due)} customer(s) due for the consent confirmation.")
            return
        sent = consents.send_confirmations()
        self.stdout.write(f"Consent confirmation mailed to {sent} customer(s).")
