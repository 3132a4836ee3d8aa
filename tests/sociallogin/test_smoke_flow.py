from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount

from .conftest import mock_kakao, social_login


def test_kakao_signup_and_login(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    resp = social_login(client)
    assert resp.status_code == 302, resp.content[:2000]
    account = SocialAccount.objects.get(provider="kakao")
    assert account.uid == "4242"
    assert account.user.customer.join_channel == "kakao"
