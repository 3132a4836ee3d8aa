from typing import Any

from django.core.management.base import BaseCommand

from keymap import revocation


class Command(BaseCommand):
    help = "Delete revoked-session rows whose tokens have all expired (exp refuses them anyway)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{revocation.prune()} expired session revocations deleted")
