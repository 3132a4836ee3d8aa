"""Add a new JWT signing key; older keys stay published until retired."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from keymap.jwt_tokens import retire_key, rotate_key


class Command(BaseCommand):
    help = "Add a new RS256 signing key (it signs from now on); --retire KID unpublishes one."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--retire", metavar="KID", help="Stop publishing (and accepting) KID.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retire"]:
            retire_key(options["retire"])
            self.stdout.write(f"retired {options['retire']}")
            return
        key = rotate_key()
        self.stdout.write(self.style.SUCCESS(f"new signing key {key.kid}"))
