"""``manage.py sociallogin_seed_demo``: switch the sandbox's providers on for ``make demo``.

Only with ``SOCIALLOGIN_SANDBOX_URL`` set (the demo), and only for providers nobody has
configured yet: it goes through ``storeconfig``'s section, so the admin's validation applies.
Kakao is left to ``kakaosync_seed_demo`` (Kakao's own sandbox).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sociallogin.app_settings import app_settings
from sociallogin.models import ProviderSettings

DEMO_PROVIDERS = ("naver", "google", "facebook", "apple", "line")


def _demo_apple_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


class Command(BaseCommand):
    help = "Switch on the sandbox's providers (demo only, idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not app_settings.SANDBOX_URL:
            self.stdout.write("SOCIALLOGIN_SANDBOX_URL is not set: nothing to seed.")
            return
        from store.config import import_config

        configured = set(
            ProviderSettings.objects.exclude(client_id="").values_list("provider", flat=True)
        )
        providers: dict[str, Any] = {}
        for pid in DEMO_PROVIDERS:
            if pid in configured:
                continue
            entry: dict[str, Any] = {"enabled": True, "client_id": f"demo-{pid}"}
            if pid == "apple":
                entry.update(
                    team_id="DEMOTEAM01", key_id="DEMOKEY001", private_key=_demo_apple_key()
                )
            else:
                entry["secret"] = f"demo-{pid}-secret"
            providers[pid] = entry
        if providers:
            import_config({"sociallogin": {"providers": providers}})
        self.stdout.write(
            f"social login demo providers on: {', '.join(providers) or 'already set'}"
        )
