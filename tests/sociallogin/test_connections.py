"""Connecting and disconnecting providers under "my account"."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from .conftest import mock_kakao, social_login

User = get_user_model()


def test_connections_page_offers_enabled_providers_to_connect(
    client: Any, kakao: Any, enable_provider: Any, mocked: Any
) -> None:
    enable_provider("naver")
    mock_kakao(mocked)
    social_login(client)
    page = client.get("/accounts/3rdparty/").content.decode()
    assert 'data-provider="naver"' in page
    assert 'name="process" value="connect"' in page
    assert "Kakao" in page


def test_connect_another_provider_to_my_account(
    client: Any, enable_provider: Any, use_sandbox: Any
) -> None:
    enable_provider("naver")
    user = User.objects.create_user("buyer", "buyer@example.com", "pw-12345")
    client.force_login(user)
    resp = client.post("/accounts/naver/login/", {"process": "connect"})
    assert resp.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(resp["Location"]).query).items()}
    back = requests.post(
        f"{use_sandbox.base_url}/naver/_consent",
        data={**query, "uid": "nv-1", "name": "B", "email": "b@example.com", "decision": "agree"},
        allow_redirects=False,
        timeout=5,
    )
    callback = urlsplit(back.headers["Location"])
    done = client.get(callback.path, {k: v[0] for k, v in parse_qs(callback.query).items()})
    assert done.status_code == 302
    assert SocialAccount.objects.get(provider="naver").user == user
    assert User.objects.count() == 1


def test_last_login_method_cannot_be_disconnected(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    social_login(client)
    account = SocialAccount.objects.get()
    resp = client.post("/accounts/3rdparty/", {"account": account.pk})
    assert resp.status_code == 200
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_disconnect_when_a_password_remains(client: Any, kakao: Any, mocked: Any) -> None:
    mock_kakao(mocked)
    social_login(client)
    account = SocialAccount.objects.get()
    user = account.user
    user.set_password("now-has-one-123")
    user.save()
    client.force_login(user)
    resp = client.post("/accounts/3rdparty/", {"account": account.pk})
    assert resp.status_code == 302
    assert not SocialAccount.objects.exists()
