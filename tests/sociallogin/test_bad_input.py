"""Bad input: each gets a clear page or a 4xx, nothing half-created, a log line."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from .conftest import kakao_user, mock_kakao, start_login

User = get_user_model()


def test_unknown_provider_is_404(client: Any) -> None:
    assert client.post("/accounts/myspace/login/").status_code == 404


def test_disabled_provider_login_and_callback_are_clear_404(
    client: Any, db: Any, caplog: Any
) -> None:
    resp = client.post("/accounts/naver/login/")
    assert resp.status_code == 404
    assert 'data-testid="social-unavailable"' in resp.content.decode()
    assert client.get("/accounts/naver/login/callback/?code=x&state=y").status_code == 404
    assert any("reason=disabled" in r.getMessage() for r in caplog.records)


def test_tampered_state_is_refused(client: Any, kakao: Any, mocked: Any, caplog: Any) -> None:
    mock_kakao(mocked)
    start_login(client)
    resp = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": "forged"})
    assert resp.status_code == 401
    assert 'data-testid="social-error"' in resp.content.decode()
    assert not User.objects.exists()
    assert len(mocked.calls) == 0  # no token request with a forged state


def test_replayed_callback_creates_nothing_twice(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    state = start_login(client)
    first = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert first.status_code == 302
    client.logout()
    replay = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert replay.status_code == 401
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1


def test_missing_code_is_an_error(client: Any, kakao: Any) -> None:
    state = start_login(client)
    resp = client.get("/accounts/kakao/login/callback/", {"state": state})
    assert resp.status_code == 401


def test_provider_token_error_is_a_clear_page_without_tokens_in_logs(
    client: Any, kakao: Any, mocked: Any, caplog: Any
) -> None:
    mocked.add(
        responses.POST,
        "https://kauth.kakao.com/oauth/token",
        json={"error": "invalid_grant", "error_code": "KOE320"},
        status=400,
    )
    state = start_login(client)
    resp = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert resp.status_code == 401
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "social login failed: provider=kakao" in logged
    assert "kakao-secret" not in logged and "at-secret-token" not in logged


def test_wrong_types_from_provider(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked, {"id": True, "kakao_account": {}})
    state = start_login(client)
    resp = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert resp.status_code == 401
    assert not User.objects.exists()


def test_open_redirect_next_is_not_followed(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    state = start_login(client, next="https://evil.example/steal")
    resp = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert resp.status_code == 302
    assert "evil.example" not in resp["Location"]


def test_local_next_is_kept(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked, kakao_user(uid=5))
    state = start_login(client, next="/products/x/")
    resp = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert resp["Location"] == "/products/x/"


def test_login_page_button_does_not_echo_a_foreign_next(client: Any, kakao: Any) -> None:
    page = client.get("/accounts/login/?next=https://evil.example/").content.decode()
    assert "evil.example" not in page.split('data-testid="social-buttons"')[1]


def test_provider_app_we_do_not_configure_is_a_clear_404(rf: Any, db: Any) -> None:
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.providers import registry
    from allauth.socialaccount.providers.base import Provider

    class Other(Provider):
        id = "othernet"
        name = "Other"

    registry.provider_map["othernet"] = Other
    try:
        request = rf.post("/accounts/othernet/login/")
        request.resolver_match = type("M", (), {"url_name": "othernet_login"})()
        with pytest.raises(ImmediateHttpResponse) as exc:
            get_adapter(request).get_provider(request, "othernet")
        assert exc.value.response.status_code == 404
    finally:
        del registry.provider_map["othernet"]


def test_apple_finish_callback_of_a_disabled_provider_is_a_clear_page(client: Any, db: Any) -> None:
    resp = client.get("/accounts/apple/login/callback/finish/", {"code": "c", "state": "s"})
    assert resp.status_code == 404
    assert 'data-testid="social-unavailable"' in resp.content.decode()


def test_login_buttons_read_naturally_in_korean(client: Any, enable_provider: Any) -> None:
    for pid in ("kakao", "facebook", "line"):
        enable_provider(pid)
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    buttons = page.split('data-testid="social-buttons"')[1]
    assert "카카오로 계속하기" in buttons and "페이스북으로 계속하기" in buttons
    assert "라인으로 계속하기" in buttons and "(으)로" not in buttons
    assert "또는 소셜 계정으로 계속하기" in page and "또는 소셜을 사용하세요" not in page


def test_no_social_heading_when_no_provider_is_offered(client: Any, db: Any) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'data-testid="social-rule"' not in page and "third-party" not in page
