"""The host's own allauth providers (GitHub, OpenID Connect...) keep working beside the six,
under the store's rules."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from django.db import connection
from django.test.utils import CaptureQueriesContext

from store.models import StoreSettings

pytestmark = pytest.mark.django_db

GITHUB_AUTHORIZE = "https://github.com/login/oauth/authorize"


def test_github_login_redirects_to_github_with_the_hosts_app(client: Any, github_app: Any) -> None:
    resp = client.post("/accounts/github/login/")
    assert resp.status_code == 302, resp.content[:500]
    location = resp["Location"]
    assert location.startswith(GITHUB_AUTHORIZE)
    assert parse_qs(urlsplit(location).query)["client_id"] == ["gh-client"]


def test_settings_based_app_of_a_host_provider_is_used(
    client: Any, github_app: Any, settings: Any
) -> None:
    github_app.delete()
    settings.SOCIALACCOUNT_PROVIDERS = {
        **getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}),
        "github": {"APPS": [{"client_id": "gh-settings", "secret": "s"}]},
    }
    resp = client.post("/accounts/github/login/")
    assert resp.status_code == 302, resp.content[:500]
    assert parse_qs(urlsplit(resp["Location"]).query)["client_id"] == ["gh-settings"]


def test_host_provider_listed_beside_ours(rf: Any, kakao: Any, github_app: Any) -> None:
    request = rf.get("/")
    ids = [p.id for p in get_adapter(request).list_providers(request)]
    assert ids == ["kakao", "github"]
    apps = get_adapter(request).list_apps(request)
    assert [a.provider for a in apps] == ["kakao", "github"]


def test_socialapp_rows_of_our_providers_stay_ignored(rf: Any, kakao: Any, github_app: Any) -> None:
    # sociallogin.W002: the admin's settings are the only source for the six.
    SocialApp.objects.create(provider="kakao", name="K", client_id="row-client", secret="s")
    SocialApp.objects.create(provider="naver", name="N", client_id="row-naver", secret="s")
    request = rf.get("/")
    apps = get_adapter(request).list_apps(request)
    assert [(a.provider, a.client_id) for a in apps] == [
        ("kakao", "kakao-client"),
        ("github", "gh-client"),
    ]
    assert get_adapter(request).list_apps(request, provider="naver") == []


def test_our_providers_ask_no_socialapp_query(rf: Any, kakao: Any, github_app: Any) -> None:
    request = rf.get("/")
    adapter = get_adapter(request)
    adapter.list_apps(request, provider="kakao")  # warm the caches
    with CaptureQueriesContext(connection) as ctx:
        adapter.get_app(request, "kakao")
    assert ctx.captured_queries == []


def test_age_restricted_store_refuses_host_provider(client: Any, github_app: Any) -> None:
    store = StoreSettings.load()
    store.age_restricted = True
    store.save()
    resp = client.post("/accounts/github/login/")
    assert resp.status_code == 403
    assert "date of birth" in resp.content.decode()
    callback = client.get("/accounts/github/login/callback/", {"code": "c", "state": "s"})
    assert callback.status_code == 403
    request = client.get("/").wsgi_request
    assert [p.id for p in get_adapter(request).list_providers(request)] == []


def test_unconfigured_host_provider_is_a_clear_404(client: Any, github_app: Any) -> None:
    github_app.delete()
    assert client.post("/accounts/github/login/").status_code == 404


def test_login_page_shows_the_hosts_provider_beside_ours(
    client: Any, kakao: Any, github_app: Any
) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'data-provider="kakao"' in page
    assert 'data-provider="github"' in page
    assert "Continue with GitHub" in page


def test_github_login_completes_and_the_user_becomes_a_customer(
    client: Any, github_app: Any, mocked: Any
) -> None:
    import responses
    from allauth.socialaccount.models import SocialAccount

    from store.models import Customer

    mocked.add(
        responses.POST,
        "https://github.com/login/oauth/access_token",
        json={"access_token": "gh-token", "token_type": "bearer"},
    )
    mocked.add(
        responses.GET,
        "https://api.github.com/user",
        json={"id": 31337, "login": "octo", "name": "Octo Cat", "email": "octo@example.com"},
    )
    mocked.add(
        responses.GET,
        "https://api.github.com/user/emails",
        json=[{"email": "octo@example.com", "primary": True, "verified": True}],
    )
    start = client.post("/accounts/github/login/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    resp = client.get("/accounts/github/login/callback/", {"code": "c", "state": state})
    assert resp.status_code == 302, resp.content[:500]
    account = SocialAccount.objects.get(provider="github", uid="31337")
    assert Customer.objects.filter(user=account.user).exists()


@pytest.fixture
def oidc_app(db: Any) -> Any:
    """A generic OpenID Connect app: allauth's provider id ``openid_connect``, the app's own
    ``provider_id`` in its URLs."""
    from allauth.socialaccount.providers import registry
    from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

    registry.load()
    registry.register(OpenIDConnectProvider)
    try:
        yield SocialApp.objects.create(
            provider="openid_connect",
            provider_id="corp",
            name="Corp SSO",
            client_id="corp-client",
            secret="s",
            settings={"server_url": "https://sso.example.com"},
        )
    finally:
        registry.provider_map.pop("openid_connect", None)


def test_openid_connect_app_is_found_by_its_provider_id(rf: Any, kakao: Any, oidc_app: Any) -> None:
    request = rf.get("/")
    adapter = get_adapter(request)
    assert adapter.get_provider(request, "corp").app.client_id == "corp-client"
    assert [p.sub_id for p in adapter.list_providers(request)] == ["kakao", "corp"]
    store = StoreSettings.load()
    store.age_restricted = True
    store.save()
    fresh = rf.get("/")
    assert adapter.list_providers(fresh) == []


@pytest.mark.parametrize("switched_on", [False, True])
def test_headless_token_login_with_another_client_id_is_an_invalid_token(
    client: Any, enable_provider: Any, switched_on: bool
) -> None:
    # allauth's headless token login looks the app up by the token's client ID. Google off
    # (or on with another client ID) has no such app: "invalid token", not a 500.
    enable_provider("google", enabled=switched_on)
    resp = client.post(
        "/_allauth/app/v1/auth/provider/token",
        data={
            "provider": "google",
            "process": "login",
            "token": {"client_id": "not-the-shops", "id_token": "it"},
        },
        content_type="application/json",
    )
    assert resp.status_code == 400, resp.content[:500]
    assert resp.json()["errors"][0]["code"] == "invalid_token"
