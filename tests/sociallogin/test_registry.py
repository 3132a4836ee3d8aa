"""The extension points other apps rely on (sociallogin.registry)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from sociallogin import registry

from .conftest import kakao_user


@pytest.fixture
def clean_registry() -> Iterator[None]:
    saved = (
        {k: dict(v) for k, v in registry._endpoints.items()},
        {k: list(v) for k, v in registry._auth_params.items()},
        list(registry._provider_filters),
    )
    yield
    registry._endpoints.clear()
    registry._endpoints.update(saved[0])
    registry._auth_params.clear()
    registry._auth_params.update(saved[1])
    registry._provider_filters[:] = saved[2]


def test_rewrite_url_keeps_path_and_query(settings: Any, clean_registry: None) -> None:
    settings.SOCIALLOGIN_PROVIDER_ENDPOINTS = {
        "naver": {"https://nid.naver.com": "http://127.0.0.1:9/naver"}
    }
    assert (
        registry.rewrite_url("https://nid.naver.com/oauth2.0/token?a=1")
        == "http://127.0.0.1:9/naver/oauth2.0/token?a=1"
    )
    assert registry.rewrite_url("https://example.com/x") == "https://example.com/x"


def test_set_endpoint_and_settings_precedence(settings: Any, clean_registry: None) -> None:
    registry.set_endpoint("kakao", "https://kauth.kakao.com", "http://127.0.0.1:7001/")
    assert registry.rewrite_url("https://kauth.kakao.com/oauth/token") == (
        "http://127.0.0.1:7001/oauth/token"
    )
    settings.SOCIALLOGIN_PROVIDER_ENDPOINTS = {
        "kakao": {"https://kauth.kakao.com": "http://127.0.0.1:7002"}
    }
    assert registry.rewrite_url("https://kauth.kakao.com/oauth/token").startswith(
        "http://127.0.0.1:7002/"
    )
    # Pointing a host at itself removes the mapping.
    settings.SOCIALLOGIN_PROVIDER_ENDPOINTS = {}
    registry.set_endpoint("kakao", "https://kauth.kakao.com", "https://kauth.kakao.com")
    assert registry.rewrite_url("https://kauth.kakao.com/x") == "https://kauth.kakao.com/x"


def test_outbound_calls_and_authorize_redirect_follow_the_map(
    client: Any, kakao: Any, settings: Any, clean_registry: None
) -> None:
    registry.set_endpoint("kakao", "https://kauth.kakao.com", "http://127.0.0.1:7001")
    registry.set_endpoint("kakao", "https://kapi.kakao.com", "http://127.0.0.1:7001")
    resp = client.post("/accounts/kakao/login/")
    location = urlsplit(resp["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "http",
        "127.0.0.1:7001",
        "/oauth/authorize",
    )
    state = parse_qs(location.query)["state"][0]
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, "http://127.0.0.1:7001/oauth/token", json={"access_token": "t"})
        rsps.add(responses.GET, "http://127.0.0.1:7001/v2/user/me", json=kakao_user())
        done = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert done.status_code == 302


def test_auth_params_reach_the_authorize_url(client: Any, kakao: Any, clean_registry: None) -> None:
    seen = []

    def sync_params(request: Any) -> dict[str, str]:
        seen.append(request.path)
        return {"service_terms": "terms_a,terms_b", "prompt": "none"}

    registry.register_auth_params("kakao", sync_params)
    registry.register_auth_params("kakao", sync_params)  # registering twice is harmless
    resp = client.post("/accounts/kakao/login/")
    query = parse_qs(urlsplit(resp["Location"]).query)
    assert query["service_terms"] == ["terms_a,terms_b"]
    assert query["prompt"] == ["none"]
    assert seen == ["/accounts/kakao/login/"]


def test_provider_filter_hides_and_refuses(
    client: Any, enable_provider: Any, clean_registry: None
) -> None:
    enable_provider("kakao")
    enable_provider("naver")

    def kakao_only_in_app(request: Any, provider_ids: list[str]) -> list[str]:
        if "KAKAOTALK" in request.headers.get("User-Agent", ""):
            return [p for p in provider_ids if p == "kakao"]
        return provider_ids

    registry.register_provider_filter(kakao_only_in_app)
    page = client.get("/accounts/login/", HTTP_USER_AGENT="Mozilla/5.0 KAKAOTALK 10.3.1")
    html = page.content.decode()
    assert 'data-provider="kakao"' in html
    assert 'data-provider="naver"' not in html
    refused = client.post("/accounts/naver/login/", HTTP_USER_AGENT="Mozilla KAKAOTALK 10.3.1")
    assert refused.status_code == 403
    ordinary = client.post("/accounts/naver/login/", HTTP_USER_AGENT="Mozilla/5.0")
    assert ordinary.status_code == 302
    callback = client.get(
        "/accounts/naver/login/callback/",
        {"code": "c", "state": "x"},
        HTTP_USER_AGENT="Mozilla KAKAOTALK 10.3.1",
    )
    assert callback.status_code == 403


def test_filters_can_only_remove(rf: Any, clean_registry: None) -> None:
    registry.register_provider_filter(lambda request, ids: [*ids, "facebook"])
    assert registry.filter_providers(rf.get("/"), ["kakao"]) == ["kakao"]
