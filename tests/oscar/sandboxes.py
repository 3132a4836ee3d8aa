"""The one place the Oscar leg starts the sandboxes (their module paths may move)."""

from __future__ import annotations

from typing import Any

PARTNER_SECRET = "oscar-leg-partner-secret"


def start_kakao_sandbox() -> Any:
    """Kakao's hosts on loopback, with the sandbox's default app (its keys are in
    host_project/store.json); ``shutdown()`` and ``server_close()`` stop it."""
    from devtools.sandboxes.kakao import SandboxConfig, start_in_thread

    return start_in_thread(SandboxConfig())


def start_partner_sandbox() -> tuple[Any, Any, str]:
    """The partner's four webhooks on loopback with its demo users, signed with
    :data:`PARTNER_SECRET`: (server, sandbox, base URL)."""
    from devtools.sandboxes.partner import start

    return start(PARTNER_SECRET)


def partner_webhooks(base_url: str) -> dict[str, Any]:
    """``storeconfig``'s ``keymap.webhooks`` for the sandbox: password login and user-ID
    login through the partner (signup and social login stay in the shop), with the
    seed's key name map so that both land on one customer by ``server_custom_id``."""
    from devtools.sandboxes.partner.example import SEED_KEY_MAP, WEBHOOK_PATHS

    def hook(name: str, key_map: dict[str, str]) -> dict[str, Any]:
        return {
            "enabled": True,
            "url": base_url + WEBHOOK_PATHS[name],
            "secret": PARTNER_SECRET,
            "key_map": key_map,
        }

    return {
        "user_authentication": hook("user_authentication", SEED_KEY_MAP),
        "user_validation": hook("user_validation", {}),
    }
