"""Promises of the admin when a change has consequences elsewhere.

- Switching Kakao login off while Kakao Sync is on warns that Sync stops, and, with the
  KakaoTalk Kakao-only rule on, that the rule no longer applies.
- Switching it off with Kakao Sync off says nothing about Sync.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from kakaosync.models import KakaoSyncSettings, invalidate_settings
from tests.kakaosync.conftest import kakao_login, sync_on  # noqa: F401  (fixtures)

PAGE = "/admin/sociallogin/providersettings/"


@pytest.fixture
def admin_client(client: Any, db: Any) -> Any:
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


def _switch_kakao_off(admin_client: Any) -> str:
    from sociallogin.catalog import DEFAULT_SIGNUP_RULES, PROVIDER_IDS

    data: dict[str, str] = {}
    for pid in PROVIDER_IDS:
        for name, rule in DEFAULT_SIGNUP_RULES.items():
            data[f"{pid}-rule_{name}"] = rule
    data["kakao-client_id"] = "rest-api-key"  # kept, only "enabled" goes off
    resp = admin_client.post(PAGE, data, follow=True)
    assert resp.status_code == 200
    return resp.content.decode()


@pytest.mark.parametrize("kakao_only", [False, True])
def test_switching_kakao_login_off_while_sync_is_on_says_what_happens_to_sync(
    admin_client: Any,
    sync_on: Any,  # noqa: F811
    kakao_only: bool,
) -> None:
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=kakao_only)
    invalidate_settings()
    html = _switch_kakao_off(admin_client)
    assert "Kakao Sync has stopped too" in html
    assert ("KakaoTalk browser no longer offers Kakao login only" in html) is kakao_only


def test_switching_kakao_login_off_without_sync_says_nothing_of_sync(
    admin_client: Any,
    kakao_login: Any,  # noqa: F811
) -> None:
    html = _switch_kakao_off(admin_client)
    assert "Social login settings saved" in html
    assert "Kakao Sync" not in html.split('class="messagelist"')[1].split("</ul>")[0]
