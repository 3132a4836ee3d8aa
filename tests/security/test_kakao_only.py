"""Promises of "Kakao only inside KakaoTalk" (the store's option on).

- Any login in a KakaoTalk browser that is not a Kakao login is undone where logins
  happen (inside Django's ``login()``), so a host project's own ``LoginView`` and a signup
  view that calls ``login()`` are covered, not only the shop's URLs.
- A password typed there never reaches the partner.
- Store staff still log into the admin; Kakao login still works; other browsers are
  unaffected.
"""

from __future__ import annotations

from typing import Any

import pytest
import responses
from django.contrib.auth import get_user_model
from django.test import Client

from kakaosync.models import KakaoSyncSettings, invalidate_settings
from tests.kakaosync.conftest import (  # noqa: F401  (fixtures)
    kakao_login,
    kakao_sandbox,
    shop_kakao_login,
    sync_on,
    use_kakao_sandbox,
)

from .host_project.fixtures import AUTH, KAKAOTALK, host, partner  # noqa: F401

pytestmark = pytest.mark.django_db

User = get_user_model()
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture
def restricted(sync_on: Any) -> Any:  # noqa: F811
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=True)
    invalidate_settings()
    return sync_on


def _refused(response: Any) -> bool:
    html = response.content.decode()
    return response.status_code == 403 and 'data-testid="kakao-only-refusal"' in html


def test_a_hosts_own_login_view_logs_nobody_in_inside_kakaotalk(
    host: Any,  # noqa: F811
    restricted: Any,
    client: Client,
) -> None:
    User.objects.create_user("shopper", "shopper@example.com", "pw-12345678")
    response = client.post(
        "/login/", {"username": "shopper", "password": "pw-12345678"}, HTTP_USER_AGENT=KAKAOTALK
    )
    assert _refused(response)
    assert "_auth_user_id" not in client.session
    assert client.get("/me/", HTTP_USER_AGENT=KAKAOTALK).status_code == 302  # not logged in
    # The same view in an ordinary browser logs in.
    response = client.post(
        "/login/", {"username": "shopper", "password": "pw-12345678"}, HTTP_USER_AGENT=DESKTOP
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_hosts_signup_view_that_logs_the_new_user_in_is_undone_inside_kakaotalk(
    host: Any,  # noqa: F811
    restricted: Any,
    client: Client,
) -> None:
    data = {"username": "newbie", "email": "newbie@example.com", "password": "pw-12345678"}
    response = client.post("/signup/", data, HTTP_USER_AGENT=KAKAOTALK)
    assert _refused(response)
    assert "_auth_user_id" not in client.session
    me = client.get("/me/", HTTP_USER_AGENT=KAKAOTALK)
    assert me.status_code == 302 and b"newbie@example.com" not in me.content


@responses.activate
def test_a_password_typed_inside_kakaotalk_never_reaches_the_partner(
    host: Any,  # noqa: F811
    restricted: Any,
    partner: Any,  # noqa: F811
    client: Client,
) -> None:
    responses.post(AUTH, status=500)
    response = client.post(
        "/login/", {"username": "gamer", "password": "secret-pw"}, HTTP_USER_AGENT=KAKAOTALK
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert len(responses.calls) == 0


def test_store_staff_still_log_into_the_admin_inside_kakaotalk(
    restricted: Any, client: Client
) -> None:
    User.objects.create_superuser("boss", "boss@example.com", "boss-pw-123")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": "boss-pw-123", "next": "/admin/"},
        HTTP_USER_AGENT=KAKAOTALK,
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/", HTTP_USER_AGENT=KAKAOTALK).status_code == 200


def test_a_non_staff_account_is_not_let_in_through_the_admins_login_page(
    restricted: Any, client: Client
) -> None:
    User.objects.create_user("shopper", "shopper@example.com", "pw-12345678")
    client.post(
        "/admin/login/",
        {"username": "shopper", "password": "pw-12345678"},
        HTTP_USER_AGENT=KAKAOTALK,
    )
    assert "_auth_user_id" not in client.session


def test_kakao_login_inside_kakaotalk_still_logs_in(
    restricted: Any,
    use_kakao_sandbox: Any,  # noqa: F811
    client: Client,
) -> None:
    response, _authorize = shop_kakao_login(
        client, use_kakao_sandbox, ua=KAKAOTALK, terms=["terms_of_service", "privacy_policy"]
    )
    assert response.status_code == 302, response.content[:500]
    assert "_auth_user_id" in client.session
    assert client.get("/account/", HTTP_USER_AGENT=KAKAOTALK).status_code == 200
