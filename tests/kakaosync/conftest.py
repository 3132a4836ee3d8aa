"""Fixtures of the Kakao Sync tests: Kakao login on, Kakao Sync on, the Kakao sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from devtools.sandboxes.kakao import SandboxConfig, start_in_thread
from kakaosync.models import KakaoSyncSettings, ServiceTerm
from sociallogin.catalog import DEFAULT_SIGNUP_RULES
from sociallogin.models import ProviderSettings

from .sandbox_helpers import login_and_consent

APP_ID = 777
ADMIN_KEY = "adminkey0123456789"
REST_KEY = "rest-api-key"
CLIENT_SECRET = "client-secret"
CHANNEL = "_shopch"
TERMS = [
    ("terms_of_service", "Terms of service", True, False),
    ("privacy_policy", "Privacy policy", True, False),
    ("marketing", "Marketing messages", False, True),
]


@pytest.fixture
def kakao_login(db: Any) -> ProviderSettings:
    row, _ = ProviderSettings.objects.update_or_create(
        provider="kakao",
        defaults={
            "enabled": True,
            "client_id": REST_KEY,
            "secret": CLIENT_SECRET,
            # The store keeps the profile fields Kakao shares (hidden ones are dropped).
            "signup_fields": {
                **DEFAULT_SIGNUP_RULES,
                "phone": "optional",
                "birthday": "optional",
                "gender": "optional",
            },
        },
    )
    return row


@pytest.fixture
def sync_on(kakao_login: ProviderSettings) -> KakaoSyncSettings:
    row, _ = KakaoSyncSettings.objects.update_or_create(
        pk=1,
        defaults={
            "enabled": True,
            "app_id": APP_ID,
            "admin_key": ADMIN_KEY,
            "channel_public_id": CHANNEL,
            "quick_signup_confirmed": True,
        },
    )
    row.service_terms.all().delete()
    for position, (tag, title, required, marketing) in enumerate(TERMS):
        ServiceTerm.objects.create(
            settings=row,
            tag=tag,
            title=title,
            required=required,
            marketing=marketing,
            position=position,
        )
    return row


@pytest.fixture
def kakao_sandbox() -> Iterator[Any]:
    server = start_in_thread(
        SandboxConfig(
            app_id=APP_ID,
            rest_api_key=REST_KEY,
            client_secret=CLIENT_SECRET,
            admin_key=ADMIN_KEY,
            service_terms={t[0]: t[2] for t in TERMS},
        )
    )
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def use_kakao_sandbox(kakao_sandbox: Any, settings: Any) -> Any:
    settings.KAKAOSYNC_AUTH_BASE_URL = kakao_sandbox.base_url
    settings.KAKAOSYNC_API_BASE_URL = kakao_sandbox.base_url
    return kakao_sandbox


def shop_kakao_login(
    client: Client, sandbox: Any, *, ua: str = "", **consent: Any
) -> tuple[Any, str]:
    """Shop login button → sandbox (login, consent) → shop callback; returns (response,
    the authorize URL the shop sent the browser to)."""
    headers = {"HTTP_USER_AGENT": ua} if ua else {}
    resp = client.post("/accounts/kakao/login/", {"process": "login"}, **headers)
    assert resp.status_code == 302, resp.content[:300]
    authorize = resp["Location"]
    assert authorize.startswith(sandbox.base_url), authorize
    back = login_and_consent(sandbox.base_url, authorize, **consent)
    assert back.status_code == 302, back.text[:300]
    parts = urlsplit(back.headers["Location"])
    return client.get(f"{parts.path}?{parts.query}", **headers), authorize
