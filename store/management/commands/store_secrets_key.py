"""Print a new key for ``STORE_SECRETS_KEY``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new Fernet key for STORE_SECRETS_KEY. To rotate, put it first: "
        "STORE_SECRETS_KEY=<new>,<old>, then run store_rotate_secrets."
    )
    # A new project runs this before its settings are complete (no key yet, maybe no
    # database): nothing here needs them.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def handle(self, *args: Any, **options: Any) -> None:
        from cryptography.fernet import Fernet

        self.stdout.write(Fernet.generate_key().decode())
