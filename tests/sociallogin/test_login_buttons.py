"""Login buttons in the admin's order, and the "last used" mark for a returning browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from sociallogin.last_used import on_user_logged_in
from sociallogin.models import ProviderSettings
from store.config import ConfigError, export_config, import_config
from store.middleware import StoreMiddleware

from .conftest import sandbox_login
from .test_e2e import admin_page  # noqa: F401  (fixture)

User = get_user_model()
COOKIE = "sociallogin_last_used"


def _order(html: str) -> list[str]:
    return re.findall(r'<button type="submit" class="social-btn[^"]*" data-provider="(\w+)"', html)


def _badged(html: str) -> list[str]:
    return re.findall(
        r'data-provider="(\w+)">(?:(?!</button>).)*data-testid="last-used"', html, re.S
    )


@pytest.fixture
def three(enable_provider: Any) -> None:
    enable_provider("kakao", position=3)
    enable_provider("naver", position=1)
    enable_provider("google", position=2)


def test_buttons_follow_the_admins_positions(client: Any, three: None) -> None:
    assert _order(client.get("/accounts/login/").content.decode()) == ["naver", "google", "kakao"]
    import_config({"sociallogin": {"providers": {"kakao": {"position": 0}}}})
    assert _order(client.get("/accounts/login/").content.decode()) == ["kakao", "naver", "google"]
    exported = export_config()["sociallogin"]["providers"]
    assert [exported[p]["position"] for p in ("kakao", "naver", "google")] == [0, 1, 2]


def test_equal_positions_keep_the_catalog_order(client: Any, enable_provider: Any) -> None:
    for pid in ("line", "google", "kakao"):
        enable_provider(pid)
    assert _order(client.get("/accounts/login/").content.decode()) == ["kakao", "google", "line"]


@pytest.mark.parametrize("value", [-1, "2", True, None])
def test_storeconfig_refuses_bad_positions(db: Any, value: Any) -> None:
    with pytest.raises(ConfigError) as err:
        import_config({"sociallogin": {"providers": {"naver": {"position": value}}}})
    assert "sociallogin.providers.naver.position" in str(err.value)
    assert not ProviderSettings.objects.filter(provider="naver", position__gt=0).exists()


def test_social_login_sets_the_cookie_and_marks_the_button(
    client: Any, three: None, use_sandbox: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    assert _badged(client.get("/accounts/login/").content.decode()) == []
    done = sandbox_login(client, "naver", uid="n-900", email="n900@example.com")
    assert done.status_code == 302
    cookie = done.cookies[COOKIE]
    assert cookie.value == "naver"  # the provider id, nothing about the person
    assert cookie["samesite"] == "Lax" and cookie["httponly"] and not cookie["secure"]
    client.post("/accounts/logout/")
    html = client.get("/accounts/login/").content.decode()
    assert _badged(html) == ["naver"]
    assert ">last used<" in html
    client.cookies["django_language"] = "ko"
    assert ">최근 사용<" in client.get("/accounts/login/").content.decode()


def test_store_id_login_sets_no_cookie(client: Any, three: None) -> None:
    User.objects.create_user("plain", "plain@example.com", "pw-123456!")
    resp = client.post("/accounts/login/", {"login": "plain", "password": "pw-123456!"})
    assert resp.status_code == 302
    assert COOKIE not in resp.cookies


@pytest.mark.parametrize("value", ["<script>", "myspace", ""])
def test_a_forged_cookie_marks_nothing(client: Any, three: None, value: str) -> None:
    client.cookies[COOKIE] = value
    html = client.get("/accounts/login/").content.decode()
    assert _badged(html) == [] and "<script>" not in html.split("<main", 1)[-1]


def test_cookie_is_secure_over_https(rf: Any) -> None:
    from types import SimpleNamespace

    from django.http import HttpResponse

    request = rf.get("/accounts/naver/login/callback/", secure=True)
    login = SimpleNamespace(account=SimpleNamespace(provider="naver"))
    on_user_logged_in(None, request=request, user=None, sociallogin=login)
    response = StoreMiddleware(lambda r: HttpResponse())(request)
    assert response.cookies[COOKIE]["secure"] is True


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_admin_orders_the_buttons_and_the_browser_remembers_the_last_one(
    admin_page: Any,  # noqa: F811
    browser: Any,
    live_server: Any,
    use_sandbox: Any,
) -> None:
    for pid in ("kakao", "naver", "google"):
        ProviderSettings.objects.update_or_create(
            provider=pid,
            defaults={"enabled": True, "client_id": f"{pid}-shop", "secret": f"{pid}-sec"},
        )
    page = admin_page
    page.goto(f"{live_server.url}/admin/sociallogin/providersettings/")
    page.fill("#id_google-position", "1")
    page.fill("#id_naver-position", "2")
    page.fill("#id_kakao-position", "3")
    page.click('[data-testid="save"]')
    assert "in effect now" in page.content()

    shopper = browser.new_context(locale="en-US")
    tab = shopper.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    buttons = tab.locator(".social-btn")
    assert buttons.evaluate_all("bs => bs.map(b => b.dataset.provider)") == [
        "google",
        "naver",
        "kakao",
    ]
    assert tab.locator('[data-testid="last-used"]').count() == 0
    tab.click('button[data-provider="naver"]')
    tab.wait_for_selector('[data-testid="sandbox-uid"]')
    tab.fill('[data-testid="sandbox-uid"]', "n-901")
    tab.fill('[data-testid="sandbox-email"]', "n901@example.com")
    tab.click('[data-testid="sandbox-agree"]')
    tab.wait_for_url(f"{live_server.url}/**")
    (cookie,) = [c for c in shopper.cookies() if c["name"] == COOKIE]
    assert cookie["value"] == "naver" and cookie["sameSite"] == "Lax" and cookie["httpOnly"]
    tab.locator('form[action$="/accounts/logout/"] button').first.click()
    tab.goto(f"{live_server.url}/accounts/login/")
    badge = tab.locator('button[data-provider="naver"] [data-testid="last-used"]')
    assert badge.inner_text() == "last used"
    assert tab.locator('[data-testid="last-used"]').count() == 1
    shopper.close()
    # The same browser in Korean: its cookie, a Korean page.
    korean = browser.new_context(locale="ko-KR")
    korean.add_cookies([cookie])
    tab = korean.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    badge = tab.locator('button[data-provider="naver"] [data-testid="last-used"]')
    assert badge.inner_text() == "최근 사용"
    korean.close()
