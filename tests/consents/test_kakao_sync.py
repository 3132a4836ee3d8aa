"""Kakao Sync: Kakao's consent screen counts for the tags it showed; the shop asks the rest."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount

from kakaosync import audience
from tests.kakaosync.conftest import CHANNEL, shop_kakao_login

from .conftest import agree_fields, record_of

pytestmark = pytest.mark.django_db


def test_kakao_answers_its_tags_and_the_shop_asks_the_rest(
    client, terms, sync_on, use_kakao_sandbox
):
    resp, _ = shop_kakao_login(
        client,
        use_kakao_sandbox,
        terms=["terms_of_service", "privacy_policy", "marketing"],
        channels=[CHANNEL],
    )
    # Night-time ads have no Kakao tag, and the age line is the shop's: asked before joining.
    assert resp.status_code == 302 and resp["Location"] == "/account/consents/join/"
    page = client.get("/account/consents/join/").content.decode()
    assert f'name="term_{terms["night"].pk}"' in page
    assert f'name="term_{terms["tos"].pk}"' not in page  # agreed on Kakao's screen
    assert not SocialAccount.objects.filter(provider="kakao").exists()
    done = client.post("/account/consents/join/", {"age_14_or_older": "on"})
    assert done.status_code == 302, done.content[:300]
    user = SocialAccount.objects.get(provider="kakao").user
    assert record_of(user) == [
        ("marketing_email", 1, True, "kakao", "kakao_sync"),
        ("marketing_night", 1, False, "form", "social:kakao"),
        ("privacy", 1, True, "kakao", "kakao_sync"),
        ("tos", 1, True, "kakao", "kakao_sync"),
    ]
    assert [m.user_id for m in audience.audience("moment")] == [user.pk]


def test_optional_refused_on_kakao_still_joins(client, terms, sync_on, use_kakao_sandbox):
    shop_kakao_login(client, use_kakao_sandbox, terms=["terms_of_service", "privacy_policy"])
    assert client.post("/account/consents/join/", agree_fields(terms)).status_code == 302
    user = SocialAccount.objects.get(provider="kakao").user
    assert ("marketing_email", 1, False, "kakao", "kakao_sync") in record_of(user)
    assert audience.audience("moment").count() == 0
