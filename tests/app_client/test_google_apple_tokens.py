"""Google and Apple ID tokens from an app, through ``provider/token``: accepted only when
issued to one of the store's clients for the provider (web, iOS, Android), the nonce taken
once. The keys are the providers sandbox's (served as Google's certificates and Apple's
JWKS); the tokens are signed with them as the providers' SDKs would receive them."""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount

from sociallogin.models import ProviderClient, ProviderSettings
from tests.sociallogin.test_sandbox_flows import apple_key

from .client import AppClient

pytestmark = pytest.mark.django_db(transaction=True)
ISSUERS = {"google": "https://accounts.google.com", "apple": "https://appleid.apple.com"}
WEB = {"google": "web.apps.googleusercontent.com", "apple": "shop.example.web"}
IOS = {"google": "ios.apps.googleusercontent.com", "apple": "shop.example.ios"}


@pytest.fixture(scope="module")
def providers_sandbox() -> Any:
    from devtools.sandboxes.providers.server import start_in_thread

    server = start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def shop(providers_sandbox: Any, settings: Any, db: Any) -> Any:
    settings.SOCIALLOGIN_SANDBOX_URL = providers_sandbox.base_url
    ProviderSettings.objects.create(
        provider="google", enabled=True, client_id=WEB["google"], secret="g-secret"
    )
    ProviderSettings.objects.create(
        provider="apple",
        enabled=True,
        client_id=WEB["apple"],
        team_id="TEAM1",
        key_id="KEY1",
        private_key=apple_key(),
    )
    return providers_sandbox


def id_token(sandbox: Any, provider: str, *, key: Any = None, **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUERS[provider],
        "aud": IOS[provider],
        "sub": f"{provider}-user-1",
        "iat": now,
        "exp": now + 600,
        "email": "app-user@example.com",
        "email_verified": True,
        **claims,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(
        body, key or sandbox.state.key, algorithm="RS256", headers={"kid": sandbox.state.kid}
    )


def _invalid(resp: Any) -> None:
    assert resp.status_code == 400, resp.text
    assert resp.json()["errors"][0]["code"] == "invalid_token", resp.text


@pytest.mark.parametrize("provider", ["google", "apple"])
def test_an_app_clients_id_token_logs_in_once_entered(
    live_server: Any, shop: Any, provider: str
) -> None:
    token = {"client_id": IOS[provider], "id_token": id_token(shop, provider)}
    _invalid(AppClient(live_server.url).provider_token(provider, token))  # not entered yet
    ProviderClient.objects.create(provider=provider, label="iOS", client_id=IOS[provider])
    app = AppClient(live_server.url)
    resp = app.provider_token(provider, token)
    assert resp.status_code == 200, resp.text
    assert SocialAccount.objects.get(provider=provider).uid == f"{provider}-user-1"
    assert app.session().status_code == 200


@pytest.mark.parametrize("provider", ["google", "apple"])
def test_another_apps_id_token_is_refused(live_server: Any, shop: Any, provider: str) -> None:
    ProviderClient.objects.create(provider=provider, label="iOS", client_id=IOS[provider])
    app = AppClient(live_server.url)
    foreign = id_token(shop, provider, aud="another-shops-app")
    _invalid(app.provider_token(provider, {"client_id": IOS[provider], "id_token": foreign}))
    _invalid(app.provider_token(provider, {"client_id": WEB[provider], "id_token": foreign}))
    assert not SocialAccount.objects.exists()


def test_google_azp_of_another_app_is_refused(live_server: Any, shop: Any) -> None:
    """An Android app asks for an ID token for the web client (``aud``); ``azp`` names the
    app that asked: another developer's app is refused even with our audience."""
    token = id_token(shop, "google", aud=WEB["google"], azp="someone-elses-android-app")
    resp = AppClient(live_server.url).provider_token(
        "google", {"client_id": WEB["google"], "id_token": token}
    )
    _invalid(resp)
    ProviderClient.objects.create(provider="google", label="Android", client_id="ours-android")
    token = id_token(shop, "google", aud=WEB["google"], azp="ours-android")
    resp = AppClient(live_server.url).provider_token(
        "google", {"client_id": WEB["google"], "id_token": token}
    )
    assert resp.status_code == 200, resp.text


def test_apple_accepts_any_of_the_stores_audiences(live_server: Any, shop: Any) -> None:
    """allauth reads Apple's audiences from the one client ID; the store lists them."""
    ProviderClient.objects.create(provider="apple", label="iOS", client_id=IOS["apple"])
    token = id_token(shop, "apple", aud=IOS["apple"])
    resp = AppClient(live_server.url).provider_token(
        "apple", {"client_id": WEB["apple"], "id_token": token}
    )
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize("provider", ["google", "apple"])
def test_a_nonce_in_the_token_must_be_sent_and_is_taken_once(
    live_server: Any, shop: Any, provider: str
) -> None:
    ProviderClient.objects.create(provider=provider, label="iOS", client_id=IOS[provider])
    nonce = secrets.token_urlsafe(12)
    token = id_token(shop, provider, nonce=nonce)
    base = {"client_id": IOS[provider], "id_token": token}
    _invalid(AppClient(live_server.url).provider_token(provider, base))
    _invalid(AppClient(live_server.url).provider_token(provider, {**base, "nonce": "other"}))
    ok = AppClient(live_server.url).provider_token(provider, {**base, "nonce": nonce})
    assert ok.status_code == 200, ok.text
    _invalid(AppClient(live_server.url).provider_token(provider, {**base, "nonce": nonce}))


@pytest.mark.parametrize("provider", ["google", "apple"])
def test_a_key_the_provider_never_published_is_refused(
    live_server: Any, shop: Any, provider: str
) -> None:
    ProviderClient.objects.create(provider=provider, label="iOS", client_id=IOS[provider])
    token = id_token(shop, provider, key=shop.state.rogue_key)
    _invalid(
        AppClient(live_server.url).provider_token(
            provider, {"client_id": IOS[provider], "id_token": token}
        )
    )


def test_naver_takes_no_app_token(live_server: Any, shop: Any) -> None:
    ProviderSettings.objects.create(provider="naver", enabled=True, client_id="n", secret="s")
    app = AppClient(live_server.url)
    # An app client is offered the providers that take a token: not Naver.
    assert "naver" not in {p["id"] for p in app.config()["socialaccount"]["providers"]}
    resp = app.provider_token("naver", {"client_id": "n", "access_token": "naver-token"})
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["code"] == "token_authentication_not_supported"
