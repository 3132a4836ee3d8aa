"""``python manage.py kakaosync_seed_demo``: Kakao login and Kakao Sync for the Kakao sandbox.

Only for ``make demo`` (it runs when ``KAKAOSYNC_DEMO_SEED=1``, which the demo sets next to
the sandbox's hosts); it never overwrites settings an admin already saved.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from devtools.sandboxes.kakao.state import SandboxConfig
from store.config import import_config


class Command(BaseCommand):
    help = "Configure Kakao login and Kakao Sync for the Kakao sandbox (demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("KAKAOSYNC_DEMO_SEED") != "1":
            self.stdout.write("KAKAOSYNC_DEMO_SEED is not 1: nothing to do (demo only).")
            return
        from kakaosync.models import KakaoSyncSettings
        from sociallogin.conf import get_config

        sandbox = SandboxConfig()
        data: dict[str, Any] = {}
        kakao = get_config("kakao")
        if kakao is None or not kakao.is_active:
            data["sociallogin"] = {
                "providers": {
                    "kakao": {
                        "enabled": True,
                        "client_id": sandbox.rest_api_key,
                        "signup_fields": {
                            "phone": "optional",
                            "birthday": "optional",
                            "gender": "optional",
                        },
                    }
                }
            }
        row = KakaoSyncSettings.objects.filter(pk=1).first()
        if row is None or not row.enabled:
            data["kakaosync"] = {
                "enabled": True,
                "app_id": sandbox.app_id,
                "admin_key": sandbox.admin_key,
                "quick_signup_confirmed": True,
                "channel_public_id": "_demoshop",
                "kakao_only_in_app_browser": True,
                "service_terms": [
                    {
                        "tag": tag,
                        "title": tag.replace("_", " ").capitalize(),
                        "required": req,
                        "marketing": tag == "marketing",
                    }
                    for tag, req in sandbox.service_terms.items()
                ],
            }
        if data:
            import_config(data)
        self.stdout.write(f"Kakao Sync demo settings: {', '.join(data) or 'already set'}")
