"""A base for commands that delete old audit rows (webhook deliveries) in batches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models
from django.utils import timezone


class PruneCommand(BaseCommand):
    """Subclasses set ``model``, ``date_field`` and ``default_days``."""

    model: type[models.Model]
    date_field: str
    default_days: int = 90
    batch_size = 5000

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep the rows of the last N days (default: {self.default_days})",
        )
        parser.add_argument("--dry-run", action="store_true", help="only count")

    def handle(self, *args: Any, **options: Any) -> None:
        days = self.default_days if options["days"] is None else options["days"]
        if days < 1:
            raise CommandError("--days must be at least 1")
        cutoff = timezone.now() - timedelta(days=days)
        old = self.model._default_manager.filter(**{f"{self.date_field}__lt": cutoff})
        label = self.model._meta.verbose_name_plural
        if options["dry_run"]:
            self.stdout.write(f"{old.count()} {label} older than {days} days would be deleted.")
            return
        total = 0
        while True:
            # Batches keep each transaction (and its locks) short on a busy table.
            pks = list(old.values_list("pk", flat=True)[: self.batch_size])
            if not pks:
                break
            total += self.model._default_manager.filter(pk__in=pks).delete()[0]
        self.stdout.write(self.style.SUCCESS(f"Deleted {total} {label} older than {days} days."))
