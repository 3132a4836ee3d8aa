"""Fixtures of the sociallogin tests: providers switched on, mocked Kakao answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.test import Client

from sociallogin.models import ProviderSettings

KAKAO_TOKEN_URL = "https://kauth.kakao.com/oauth/token"
KAKAO_USER_URL = "https://kapi.kakao.com/v2/user/me"


def kakao_user(uid: int = 4242, **account: Any) -> dict[str, Any]:
    kakao_account: dict[str, Any] = {
        "profile": {"nickname": "Minji"},
        "email": "minji@example.com",
        "is_email_valid": True,
        "is_email_verified": True,
    }
    kakao_account.update(account)
    return {"id": uid, "connected_at": "2026-01-01T00:00:00Z", "kakao_account": kakao_account}


@pytest.fixture
def enable_provider(db: Any) -> Callable[..., ProviderSettings]:
    def enable(provider: str = "kakao", **fields: Any) -> ProviderSettings:
        defaults: dict[str, Any] = {
            "enabled": True,
            "client_id": f"{provider}-client",
            "secret": f"{provider}-secret",
        }
        defaults.update(fields)
        row, _ = ProviderSettings.objects.update_or_create(provider=provider, defaults=defaults)
        return row

    return enable


@pytest.fixture
def kakao(enable_provider: Callable[..., ProviderSettings]) -> ProviderSettings:
    return enable_provider("kakao")


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def mock_kakao(rsps: responses.RequestsMock, user: dict[str, Any] | None = None) -> None:
    rsps.add(
        responses.POST,
        KAKAO_TOKEN_URL,
        json={"access_token": "at-secret-token", "token_type": "bearer", "expires_in": 3600},
    )
    rsps.add(responses.GET, KAKAO_USER_URL, json=user if user is not None else kakao_user())


def start_login(client: Client, provider: str = "kakao", **params: str) -> str:
    """POST the login URL; return the state the provider would send back."""
    resp = client.post(f"/accounts/{provider}/login/", params)
    assert resp.status_code == 302, resp.content[:500]
    query = parse_qs(urlsplit(resp["Location"]).query)
    return query["state"][0]


def social_login(client: Client, provider: str = "kakao", **params: str) -> Any:
    state = start_login(client, provider, **params)
    return client.get(f"/accounts/{provider}/login/callback/", {"code": "c0de", "state": state})


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Any]:
    from devtools.sandboxes.providers.server import start_in_thread

    server = start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def use_sandbox(sandbox: Any, settings: Any) -> Any:
    settings.SOCIALLOGIN_SANDBOX_URL = sandbox.base_url
    return sandbox


def sandbox_login(
    client: Client, provider: str = "kakao", *, decision: str = "agree", **user: str
) -> Any:
    """Drive a login through the real sandbox: authorize, consent, then the shop callback."""
    import requests

    resp = client.post(f"/accounts/{provider}/login/")
    assert resp.status_code == 302, resp.content[:300]
    authorize = requests.get(resp["Location"], timeout=5)
    assert authorize.status_code == 200, authorize.text[:300]
    query = {k: v[0] for k, v in parse_qs(urlsplit(resp["Location"]).query).items()}
    form = {
        "client_id": query["client_id"],
        "redirect_uri": query["redirect_uri"],
        "state": query.get("state", ""),
        "nonce": query.get("nonce", ""),
        "uid": "777",
        "name": "Sandbox User",
        "email": "sandbox@example.com",
        "email_verified": "on",
        "email_valid": "on",
        "decision": decision,
        **user,
    }
    consent_url = resp["Location"].split(f"/{provider}/", 1)[0] + f"/{provider}/_consent"
    back = requests.post(consent_url, data=form, allow_redirects=False, timeout=5)
    if provider == "apple":
        import html
        import re

        fields = {
            k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', back.text)
        }
        posted = client.post(f"/accounts/{provider}/login/callback/", fields)
        assert posted.status_code == 302
        return client.get(posted["Location"])
    assert back.status_code == 302, back.text[:300]
    callback = urlsplit(back.headers["Location"])
    return client.get(callback.path, {k: v[0] for k, v in parse_qs(callback.query).items()})
