"""Point the demo shop's user database at the partner sandbox (idempotent).

Reads ``KEYMAP_DEMO_PARTNER_URL`` and ``KEYMAP_DEMO_PARTNER_SECRET`` (set by
``scripts/demo.py``); without a URL it leaves the settings alone. Uses the same validation
as the admin (the ``storeconfig`` section).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from devtools.sandboxes.partner.example import SEED_KEY_MAP as SEED_MAP
from devtools.sandboxes.partner.example import WEBHOOK_PATHS as PATHS
from keymap.config_section import KeymapSection


class Command(BaseCommand):
    help = "Wire the user database to the partner sandbox (custom storage, linking on)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default=os.environ.get("KEYMAP_DEMO_PARTNER_URL", ""))
        parser.add_argument(
            "--secret", default=os.environ.get("KEYMAP_DEMO_PARTNER_SECRET", "demo-partner-secret")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"].rstrip("/")
        if not url:
            self.stdout.write("KEYMAP_DEMO_PARTNER_URL not set: user database left as it is.")
            return
        webhooks = {
            name: {
                "enabled": True,
                "url": url + path,
                "secret": options["secret"],
                "timeout": 5.0,
                "key_map": {} if name == "user_validation" else SEED_MAP,
            }
            for name, path in PATHS.items()
        }
        with transaction.atomic():
            KeymapSection().apply(
                {"storage": "custom", "account_linking": True, "webhooks": webhooks}
            )
        self.stdout.write(self.style.SUCCESS(f"User database: custom storage at {url}"))
