"""Promises of the KakaoTalk claim page (``/kakaosync/connect/``).

- Staff and superuser accounts are never offered for connecting to a Kakao account there.
- The page answers the same whether the store ID or email exists or not.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from kakaosync.inapp import SESSION_CLAIM
from kakaosync.models import KakaoSyncSettings, invalidate_settings
from tests.kakaosync.conftest import (  # noqa: F401  (fixtures)
    kakao_login,
    kakao_sandbox,
    shop_kakao_login,
    sync_on,
    use_kakao_sandbox,
)

pytestmark = pytest.mark.django_db

KAKAOTALK = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 KAKAOTALK 10.3.1"


@pytest.fixture
def restricted(sync_on: Any) -> Any:  # noqa: F811
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=True)
    invalidate_settings()
    return sync_on


def _claim(client: Client, login: str) -> tuple[int, str, list[str], str]:
    resp = client.post("/kakaosync/connect/", {"login": login}, HTTP_USER_AGENT=KAKAOTALK)
    notes = [str(m) for m in get_messages(resp.wsgi_request)]
    page = client.get("/kakaosync/login/", HTTP_USER_AGENT=KAKAOTALK).content.decode()
    return resp.status_code, resp.get("Location", ""), notes, page


def _visible(answer: tuple[int, str, list[str], str]) -> tuple[Any, ...]:
    status, location, notes, page = answer
    # The page embeds a fresh CSRF token each time; everything else must be identical.
    return status, location, notes, page.split("csrfmiddlewaretoken")[0]


def test_the_claim_page_answers_the_same_for_known_unknown_and_mailless_ids(
    restricted: Any,
) -> None:
    users = get_user_model().objects
    users.create_user("shopper", "shopper@example.com", "pw-12345678")
    users.create_user("no-mail", "", "pw-12345678")
    answers = [_visible(_claim(Client(), login)) for login in ("shopper", "nobody", "no-mail")]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302


@pytest.mark.parametrize("flags", [{"is_superuser": True, "is_staff": True}, {"is_staff": True}])
def test_staff_accounts_are_not_offered_on_the_claim_page(
    restricted: Any, flags: dict[str, bool]
) -> None:
    admin = get_user_model().objects.create_user("boss", "boss@example.com", "pw", **flags)
    client = Client()
    _claim(client, "boss")
    assert client.session.get(SESSION_CLAIM) != admin.pk


def test_a_staff_claim_left_in_the_session_does_not_lead_to_linking(
    restricted: Any,
    use_kakao_sandbox: Any,  # noqa: F811
) -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    session = client.session
    session[SESSION_CLAIM] = admin.pk
    session.save()
    resp, _ = shop_kakao_login(
        client,
        use_kakao_sandbox,
        ua=KAKAOTALK,
        person="1002",
        terms=["terms_of_service", "privacy_policy"],
    )
    assert resp.get("Location") != "/sociallogin/link/"
    assert not SocialAccount.objects.filter(user=admin).exists()
