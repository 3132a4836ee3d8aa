"""Fixtures of the headless tests: the Kakao Sync rig, and allauth headless's browser flow."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

# allauth.urls drops its HTML views for good if it is first imported while a test has
# HEADLESS_ONLY on (test_headless_only.py); importing the demo's URLs here, at collection,
# builds it as the other tests of this process need it.
import config.urls  # noqa: F401
from kakaosync.models import KakaoSyncSettings, invalidate_settings
from sociallogin.models import ProviderSettings
from tests.kakaosync.conftest import (  # noqa: F401 - fixtures
    kakao_login,
    kakao_sandbox,
    sync_on,
    use_kakao_sandbox,
)
from tests.kakaosync.sandbox_helpers import login_and_consent
from tests.keymap.conftest import partner  # noqa: F401 - fixture

BROWSER = "/_allauth/browser/v1"
CALLBACK = "/spa/callback"
KAKAOTALK = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.3.1"
)


def post_json(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json", **extra)


def errors_of(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    assert body["status"] == response.status_code, body
    return list(body["errors"])


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def start_redirect(client: Client, provider: str = "kakao", ua: str = "", **fields: str) -> Any:
    headers = {"HTTP_USER_AGENT": ua} if ua else {}
    data = {"provider": provider, "process": "login", "callback_url": CALLBACK, **fields}
    return client.post(f"{BROWSER}/auth/provider/redirect", data, **headers)


def headless_kakao_login(
    client: Client,
    sandbox: Any,
    *,
    ua: str = "",
    fields: dict[str, str] | None = None,
    **consent: Any,
) -> tuple[Any, str]:
    """The front end's form POST to provider/redirect → sandbox (login, consent) → the shop's
    callback; returns (the callback's answer, the authorize URL)."""
    headers = {"HTTP_USER_AGENT": ua} if ua else {}
    resp = start_redirect(client, ua=ua, **(fields or {}))
    assert resp.status_code == 302, resp.content[:300]
    authorize = resp["Location"]
    assert authorize.startswith(sandbox.base_url), authorize
    back = login_and_consent(sandbox.base_url, authorize, **consent)
    assert back.status_code == 302, back.text[:300]
    parts = urlsplit(back.headers["Location"])
    return client.get(f"{parts.path}?{parts.query}", **headers), authorize


@pytest.fixture
def restricted(sync_on: Any) -> Any:  # noqa: F811
    """Kakao only inside KakaoTalk, with Naver and Google on (so that refusing them is real)."""
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=True)
    invalidate_settings()
    for provider in ("naver", "google"):
        ProviderSettings.objects.update_or_create(
            provider=provider, defaults={"enabled": True, "client_id": "cid", "secret": "s"}
        )
    return sync_on
