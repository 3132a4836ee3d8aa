"""``python -m bench.allauth_minimal.seed``: migrate and add the Kakao ``SocialApp`` row."""

from __future__ import annotations

import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.allauth_minimal.settings")
    import django

    django.setup()
    from allauth.socialaccount.models import SocialApp
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # The Kakao sandbox's REST API key (devtools.sandboxes.kakao.state.SandboxConfig's default).
    client_id = os.environ.get("KAKAO_SANDBOX_REST_API_KEY") or "sandbox-rest-api-key"
    SocialApp.objects.update_or_create(
        provider="kakao", defaults={"name": "Kakao", "client_id": client_id, "secret": ""}
    )


if __name__ == "__main__":
    main()
