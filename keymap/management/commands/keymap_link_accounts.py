"""Merge customers who share a server_custom_id from before account linking was on."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from keymap.merging import link_accounts


class Command(BaseCommand):
    help = "Merge customers sharing a server_custom_id into one linked customer (audited)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only show what would merge.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        report = link_accounts(dry_run=dry_run)
        for custom_id, target, sources in report.plan:
            verb = "would merge" if dry_run else "merged"
            self.stdout.write(
                f"{custom_id}: {verb} #{', #'.join(map(str, sources))} into #{target}"
            )
        would = "would be " if dry_run else ""
        summary = f"{report.merged} customers {would}merged into {report.groups}."
        self.stdout.write(self.style.SUCCESS(summary))
