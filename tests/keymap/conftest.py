"""Fixtures of the keymap tests: the user database configured against a partner URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devtools.sandboxes.partner.example import SEED_ANSWER
from devtools.sandboxes.partner.example import SEED_KEY_MAP as SEED_MAP
from devtools.sandboxes.partner.example import WEBHOOK_PATHS as PATHS

__all__ = ["PATHS", "SEED_ANSWER", "SEED_MAP"]  # imported by the test modules

SECRET = "partner-signing-secret"
PARTNER = "http://partner.test"


def answer(player_id: str = "12345678", username: str = "gamer123", **info: Any) -> dict:
    data = {
        "user": {"player_id": player_id, "email": f"{username}@example.com"},
        "user_info": {**SEED_ANSWER["user_info"], "username": username, **info},
        "subscription_status": "active",
        "loyalty_level": "gold",
    }
    return data


def configure_partner(
    base_url: str = PARTNER,
    *,
    linking: bool = False,
    key_map: dict[str, str] | None = None,
    timeout: float = 2.0,
    enabled: tuple[str, ...] = tuple(PATHS),
) -> None:
    from keymap.models import UserDatabase, Webhook, ensure_rows, invalidate

    ensure_rows()
    UserDatabase.objects.filter(pk=1).update(storage="custom", account_linking=linking)
    for name, path in PATHS.items():
        Webhook.objects.filter(name=name).update(
            enabled=name in enabled,
            url=base_url + path,
            timeout=timeout,
            key_map={} if name == "user_validation" else (SEED_MAP if key_map is None else key_map),
        )
        hook = Webhook.objects.get(name=name)
        hook.secret = SECRET
        hook.save()
    invalidate()


@pytest.fixture
def partner(db: Any) -> Callable[..., None]:
    configure_partner()
    return configure_partner


@pytest.fixture
def partner_sandbox() -> Any:
    """The real partner sandbox on a loopback port, for as long as the test runs."""
    from devtools.sandboxes.partner import start

    server, sandbox, base_url = start(SECRET)
    sandbox.base_url = base_url
    yield sandbox
    server.shutdown()
    server.server_close()
