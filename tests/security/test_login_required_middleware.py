"""Under Django's ``LoginRequiredMiddleware`` the views that must answer without a session
(Kakao's webhooks, the token API, the login pages) answer as they do without it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, modify_settings

pytestmark = pytest.mark.django_db

LOGIN_REQUIRED = modify_settings(
    MIDDLEWARE={"append": "django.contrib.auth.middleware.LoginRequiredMiddleware"}
)

OPEN_VIEWS = [
    ("post", "/kakaosync/webhooks/unlink/"),
    ("post", "/kakaosync/webhooks/unlink"),
    ("post", "/kakaosync/webhooks/channel/"),
    ("post", "/kakaosync/webhooks/events/"),
    ("post", "/api/token"),
    ("get", "/api/users/me"),
    ("get", "/.well-known/jwks.json"),
    ("get", "/keymap/login/user-id/"),
    ("post", "/keymap/login/user-id/"),
    ("get", "/keymap/login/stronger/"),
    ("get", "/sociallogin/link/"),
    ("post", "/sociallogin/link/cancel/"),
    ("get", "/kakaosync/login/"),
    ("get", "/kakaosync/connect/"),
]


def _answer(method: str, url: str) -> tuple[int, str]:
    # A new client each time: a client builds its middleware chain on its first request.
    resp = getattr(Client(), method)(url)
    return resp.status_code, resp.get("Location", "")


@pytest.mark.parametrize("method,url", OPEN_VIEWS)
def test_view_answers_as_without_the_middleware(method: str, url: str) -> None:
    without = _answer(method, url)
    with LOGIN_REQUIRED:
        assert _answer(method, url) == without


def test_unlink_webhook_without_a_key_is_401_not_a_login_redirect(client: Any) -> None:
    with LOGIN_REQUIRED:
        assert client.post("/kakaosync/webhooks/unlink/").status_code == 401
        assert client.get("/api/users/me").status_code == 401


def test_a_members_page_still_asks_for_a_login(client: Any) -> None:
    # The middleware is on: a page behind a login still redirects.
    with LOGIN_REQUIRED:
        resp = client.get("/kakaosync/consents/")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")


def test_kakao_login_and_callback_answer_without_a_session(enable_kakao: Any) -> None:
    # allauth's provider views, through our provider classes.
    with LOGIN_REQUIRED:
        login = Client().post("/accounts/kakao/login/")
        callback = Client().get("/accounts/kakao/login/callback/", {"code": "c", "state": "s"})
    assert login.status_code == 302
    assert login["Location"].startswith("https://kauth.kakao.com/")
    assert not callback.get("Location", "").startswith("/accounts/login/?next=")


@pytest.fixture
def enable_kakao(db: Any) -> Any:
    from sociallogin.models import ProviderSettings

    return ProviderSettings.objects.update_or_create(
        provider="kakao", defaults={"enabled": True, "client_id": "k", "secret": "s"}
    )[0]
