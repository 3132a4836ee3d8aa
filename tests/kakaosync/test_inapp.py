"""The KakaoTalk in-app browser: Kakao only, enforced on the server; others unaffected."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail

from kakaosync.inapp import SESSION_AUTO_LOGIN
from kakaosync.models import KakaoSyncMember, KakaoSyncSettings
from sociallogin.models import ProviderSettings

from .conftest import shop_kakao_login

pytestmark = pytest.mark.django_db

KAKAOTALK_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.3.1"
)
KAKAOTALK_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-S918N Build/UP1A; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/120.0 Mobile Safari/537.36;KAKAOTALK 2410310"
)
NAVER_INAPP = "Mozilla/5.0 (Linux; Android 14) ... NAVER(inapp; search; 1000; 12.0.0)"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


@pytest.fixture
def restricted(sync_on):
    KakaoSyncSettings.objects.filter(pk=1).update(kakao_only_in_app_browser=True)
    from kakaosync.models import invalidate_settings

    invalidate_settings()
    ProviderSettings.objects.update_or_create(
        provider="naver", defaults={"enabled": True, "client_id": "n", "secret": "s"}
    )
    return sync_on


@pytest.mark.parametrize("ua", [KAKAOTALK_IOS, KAKAOTALK_ANDROID])
def test_login_and_signup_pages_offer_kakao_only(client, restricted, ua):
    for url in ("/accounts/login/", "/accounts/signup/"):
        resp = client.get(url, HTTP_USER_AGENT=ua)
        assert resp.status_code == 200
        html = resp.content.decode()
        assert 'data-testid="kakao-only"' in html
        assert "/accounts/kakao/login/" in html
        assert "/accounts/naver/login/" not in html
        assert 'name="password"' not in html


@pytest.mark.parametrize(
    "method,url,data",
    [
        ("post", "/accounts/login/", {"login": "x", "password": "y"}),
        ("post", "/accounts/signup/", {"email": "a@b.c", "username": "a", "password1": "x"}),
        ("post", "/accounts/naver/login/", {}),
        ("get", "/accounts/naver/login/callback/", {"code": "c", "state": "s"}),
        ("post", "/keymap/login/user-id/", {"user_id": "x"}),
    ],
)
def test_other_ways_are_refused_on_the_server(client, restricted, method, url, data):
    resp = getattr(client, method)(url, data, HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert resp.status_code == 403
    html = resp.content.decode()
    assert 'class="msg-error" role="alert" data-testid="kakao-only-refusal"' in html
    assert "/accounts/kakao/login/" in html
    assert get_user_model().objects.count() == 0


@pytest.mark.parametrize("ua", [DESKTOP, NAVER_INAPP, ""])
def test_other_browsers_are_unaffected(client, restricted, ua):
    resp = client.get("/accounts/login/", HTTP_USER_AGENT=ua)
    assert resp.status_code == 200
    assert 'data-testid="kakao-only"' not in resp.content.decode()
    assert client.post("/accounts/naver/login/", HTTP_USER_AGENT=ua).status_code == 302


def test_option_off_changes_nothing_inside_kakaotalk(client, sync_on):
    resp = client.get("/accounts/login/", HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert 'data-testid="kakao-only"' not in resp.content.decode()


def test_login_page_tries_prompt_none_once(client, restricted, use_kakao_sandbox):
    html = client.get("/accounts/login/", HTTP_USER_AGENT=KAKAOTALK_IOS).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)" id="kakao-auto-login"', html)
    assert action
    url = action.group(1).replace("&amp;", "&")
    resp = client.post(url, HTTP_USER_AGENT=KAKAOTALK_IOS)
    authorize = parse_qs(urlsplit(resp["Location"]).query)
    assert authorize["prompt"] == ["none"]
    assert authorize["service_terms"] == ["terms_of_service,privacy_policy,marketing"]
    # Not logged in to Kakao: the sandbox answers login_required -> back to the Kakao button.
    import requests

    back = requests.get(resp["Location"], allow_redirects=False, timeout=5)
    parts = urlsplit(back.headers["Location"])
    assert parse_qs(parts.query)["error"] == ["login_required"]
    resp = client.get(f"{parts.path}?{parts.query}", HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert resp.status_code == 302 and resp["Location"] == "/kakaosync/login/"
    html = client.get("/accounts/login/", HTTP_USER_AGENT=KAKAOTALK_IOS).content.decode()
    assert 'id="kakao-auto-login"' not in html  # no loop
    assert client.session[SESSION_AUTO_LOGIN] == "done"


def test_existing_customer_connects_after_code(client, restricted, use_kakao_sandbox):
    user = get_user_model().objects.create_user(
        "shopper", email="old-address@example.com", password="pw-123456"
    )
    resp = client.post("/kakaosync/connect/", {"login": "shopper"}, HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert resp.status_code == 302
    # Kakao user 1002 has another email than the store account.
    resp, _ = shop_kakao_login(
        client,
        use_kakao_sandbox,
        ua=KAKAOTALK_IOS,
        person="1002",
        terms=["terms_of_service", "privacy_policy"],
    )
    assert resp.status_code == 302 and resp["Location"] == "/sociallogin/link/"
    assert not SocialAccount.objects.exists()
    link_url = resp["Location"]
    client.post(link_url, {"action": "send_code"}, HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert mail.outbox[-1].to == ["old-address@example.com"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    resp = client.post(
        link_url, {"action": "code", "code-code": code}, HTTP_USER_AGENT=KAKAOTALK_IOS
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    account = SocialAccount.objects.get(provider="kakao")
    assert account.user == user
    member = KakaoSyncMember.objects.get(user=user)
    assert member.kakao_user_id == 1002
    assert get_user_model().objects.count() == 1


# What the claim page answers for unknown or mail-less accounts: tests/security/test_claim_page.py


def test_claim_lookups_are_limited_per_address(client, restricted):
    from kakaosync.inapp_views import CLAIM_LOOKUPS

    for _ in range(CLAIM_LOOKUPS):
        resp = client.post("/kakaosync/connect/", {"login": "x"}, HTTP_USER_AGENT=KAKAOTALK_IOS)
        assert resp.status_code == 302
    resp = client.post("/kakaosync/connect/", {"login": "nobody"}, HTTP_USER_AGENT=KAKAOTALK_IOS)
    html = resp.content.decode()
    assert resp.status_code == 429
    assert "Too many attempts" in html


def test_claim_lookups_count_the_shopper_behind_a_trusted_proxy(client, restricted, settings):
    """Behind the shop's reverse proxy every shopper has the proxy's REMOTE_ADDR."""
    from kakaosync.inapp_views import CLAIM_LOOKUPS

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def claim(shopper_ip: str) -> int:
        return client.post(
            "/kakaosync/connect/",
            {"login": "x"},
            HTTP_USER_AGENT=KAKAOTALK_IOS,
            HTTP_X_FORWARDED_FOR=shopper_ip,
        ).status_code

    assert [claim("203.0.113.7") for _ in range(CLAIM_LOOKUPS + 1)][-1] == 429
    assert claim("198.51.100.9") == 302  # another shopper still has their own budget


def test_kakao_only_page_speaks_korean(client, restricted):
    resp = client.get("/accounts/login/", HTTP_USER_AGENT=KAKAOTALK_IOS, HTTP_ACCEPT_LANGUAGE="ko")
    html = resp.content.decode()
    assert "카카오로 계속하기" in html
    assert "카카오톡 브라우저에서" in html
    resp = client.get(
        "/accounts/naver/login/", HTTP_USER_AGENT=KAKAOTALK_IOS, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert "카카오톡 브라우저에서는 네이버 로그인을 사용할 수 없습니다." in resp.content.decode()


def test_prompt_none_logs_a_member_in_at_once(client, restricted, use_kakao_sandbox):
    import requests

    # A Kakao Sync member, logged in to Kakao in this (KakaoTalk) browser.
    kakao = requests.Session()
    shop_kakao_login(
        client,
        use_kakao_sandbox,
        ua=KAKAOTALK_IOS,
        terms=["terms_of_service", "privacy_policy"],
        http=kakao,
    )
    client.logout()
    html = client.get("/accounts/login/", HTTP_USER_AGENT=KAKAOTALK_IOS).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)" id="kakao-auto-login"', html)
    resp = client.post(action.group(1).replace("&amp;", "&"), HTTP_USER_AGENT=KAKAOTALK_IOS)
    back = kakao.get(resp["Location"], allow_redirects=False, timeout=5)
    parts = urlsplit(back.headers["Location"])
    assert "code" in parse_qs(parts.query)  # no consent screen, no button
    resp = client.get(f"{parts.path}?{parts.query}", HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert resp.status_code == 302 and resp["Location"] == "/account/"
    assert client.get("/account/").status_code == 200


def test_logged_in_customer_is_not_shown_the_kakao_page(client, restricted, admin_user):
    client.force_login(admin_user)
    resp = client.get("/accounts/login/", HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert 'data-testid="kakao-only"' not in resp.content.decode()


def test_hosts_own_provider_refused_inside_kakaotalk(client, restricted, github_app):
    # Kakao only means Kakao only: a provider the host added through allauth as well.
    resp = client.post("/accounts/github/login/", HTTP_USER_AGENT=KAKAOTALK_IOS)
    assert resp.status_code == 403
    assert 'data-testid="kakao-only"' in resp.content.decode()
    assert client.post("/accounts/github/login/", HTTP_USER_AGENT=DESKTOP).status_code == 302


def test_hosts_own_provider_refused_by_the_adapter_inside_kakaotalk(rf, restricted, github_app):
    # The layer every login passes, should a view reach allauth without the guard.
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.adapter import get_adapter
    from django.urls import resolve

    request = rf.post("/accounts/github/login/", HTTP_USER_AGENT=KAKAOTALK_IOS)
    request.resolver_match = resolve("/accounts/github/login/")
    adapter = get_adapter(request)
    assert [p.id for p in adapter.list_providers(request)] == ["kakao"]
    with pytest.raises(ImmediateHttpResponse) as refused:
        adapter.get_provider(request, "github")
    assert refused.value.response.status_code == 403
