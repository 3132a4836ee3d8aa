"""What a user-ID session, a shopper or the admin login must not get around."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from keymap.models import Delivery

from .conftest import PARTNER, PATHS, configure_partner
from .test_social import kakao_user, mocked  # noqa: F401  (fixture)

User = get_user_model()
AUTH = PARTNER + PATHS["user_authentication"]
VALIDATE = PARTNER + PATHS["user_validation"]


def _user_id_login(client: Any, rsps: Any, user_id: str = "12345678") -> Any:
    rsps.upsert(responses.POST, VALIDATE, status=200)
    response = client.post(reverse("keymap:user_id_login"), {"user_id": user_id})
    assert response.status_code == 302
    return User.objects.get(pk=client.session["_auth_user_id"])


def test_user_id_session_cannot_open_connections_under_allauths_old_url(
    client,
    partner,
    mocked,  # noqa: F811
) -> None:
    _user_id_login(client, mocked)
    for url in (
        "/accounts/3rdparty/",
        "/accounts/social/connections/",
        "/accounts/password/change/",
        "/accounts/password/set/",
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.redirect_chain[-1][0].startswith(reverse("keymap:stronger_login")), url


def test_user_id_session_cannot_connect_a_social_account(client, partner, mocked) -> None:  # noqa: F811
    """A user ID is no secret: connecting one's own Kakao to it would take the account over."""
    configure_partner(linking=True)
    victim = _user_id_login(client, mocked)
    mocked.upsert(responses.GET, "https://kapi.kakao.com/v2/user/me", json=kakao_user(31337))
    response = client.post("/accounts/kakao/login/", {"process": "connect"})
    if response.status_code == 302 and "state" in response["Location"]:
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        response = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
    assert not SocialAccount.objects.filter(user=victim).exists()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("keymap:stronger_login"))


@responses.activate
def test_admin_login_never_asks_the_partner(client, partner) -> None:
    """Staff passwords stay in the shop, and a partner that is down does not lock staff out."""
    User.objects.create_superuser("admin", "admin@example.com", "admin-pw-1")
    responses.post(AUTH, status=500)
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "admin-pw-1", "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert len(responses.calls) == 0
    assert not Delivery.objects.exists()


@responses.activate
def test_rate_limit_ignores_forwarded_headers(client, partner, settings) -> None:
    settings.KEYMAP_USER_ID_RATE_LIMIT = (2, 60)
    responses.post(VALIDATE, status=404)
    url = reverse("keymap:user_id_login")
    for n in range(2):
        client.post(url, {"user_id": f"id-{n}"}, HTTP_X_FORWARDED_FOR=f"10.1.1.{n}")
    response = client.post(
        url, {"user_id": "id-9"}, HTTP_X_FORWARDED_FOR="10.9.9.9", HTTP_X_REAL_IP="10.9.9.9"
    )
    assert response.status_code == 429
    # The same ID in another letter case is the same ID for the limit.
    settings.KEYMAP_USER_ID_RATE_LIMIT = (2, 60)
    for addr in ("10.2.0.1", "10.2.0.2"):
        client.post(url, {"user_id": "Gamer"}, REMOTE_ADDR=addr)
    assert client.post(url, {"user_id": "GAMER"}, REMOTE_ADDR="10.2.0.3").status_code == 429


def test_stronger_login_page_leads_back_to_the_shop_not_in_a_loop(client, partner, mocked) -> None:  # noqa: F811
    url = reverse("keymap:stronger_login") + "?next=/account/"
    # Nothing to strengthen when logged out: the login page, keeping where to go next.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Faccount%2F"
    _user_id_login(client, mocked)
    html = client.get(url).content.decode()
    back = html.split('data-testid="back-to-shop"')[0].rsplit("<a ", 1)[1]
    assert 'href="/"' in back


def test_partner_is_told_whether_the_social_email_is_verified(client, partner, mocked) -> None:  # noqa: F811
    social = PARTNER + PATHS["social_login"]
    mocked.add(responses.POST, social, json={"user": {"player_id": "1"}})
    for verified in (False, True):
        profile = kakao_user(5150, "minji@example.com")
        profile["kakao_account"]["is_email_verified"] = verified
        mocked.upsert(responses.GET, "https://kapi.kakao.com/v2/user/me", json=profile)
        response = client.post("/accounts/kakao/login/")
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
        client.post("/accounts/logout/")
        sent = [c.request.body for c in mocked.calls if c.request.url == social][-1]
        assert b'"email":"minji@example.com"' in sent
        assert f'"email_verified":{str(verified).lower()}'.encode() in sent


def test_sandbox_recognises_a_social_email_only_when_verified() -> None:
    from devtools.sandboxes.partner.server import PartnerSandbox

    sandbox = PartnerSandbox("s")
    status, body = sandbox.handle(
        "social_login", {"email": "minji@example.com", "email_verified": False}
    )
    assert status == 200 and body["user"]["player_id"] != "87654321"
    status, body = sandbox.handle(
        "social_login", {"email": "minji@example.com", "email_verified": True}
    )
    assert body["user"]["player_id"] == "87654321"


@responses.activate
def test_behind_trusted_proxies_the_limit_counts_the_address_they_saw(
    client, partner, settings
) -> None:
    settings.KEYMAP_USER_ID_RATE_LIMIT = (2, 60)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    responses.post(VALIDATE, status=404)
    url = reverse("keymap:user_id_login")
    for n in range(2):  # a client that makes up the left part of the header each time
        xff = f"10.0.0.{n}, 203.0.113.7"
        client.post(url, {"user_id": f"x{n}"}, HTTP_X_FORWARDED_FOR=xff, REMOTE_ADDR="10.9.0.1")
    spoofed = "198.51.100.1, 203.0.113.7"
    response = client.post(url, {"user_id": "x9"}, HTTP_X_FORWARDED_FOR=spoofed)
    assert response.status_code == 429
    # Another shopper behind the same proxy is not affected.
    other = "203.0.113.8"
    assert client.post(url, {"user_id": "x8"}, HTTP_X_FORWARDED_FOR=other).status_code == 200


def test_retired_trusted_proxies_setting_says_what_to_set_instead(settings) -> None:
    from keymap.checks import check_retired_settings

    assert check_retired_settings() == []
    settings.KEYMAP_TRUSTED_PROXIES = 2
    (error,) = check_retired_settings()
    assert error.id == "keymap.E003"
    assert "ALLAUTH_TRUSTED_PROXY_COUNT = 2" in error.hint
    settings.KEYMAP_TRUSTED_PROXIES = 0
    (warning,) = check_retired_settings()
    assert warning.id == "keymap.W004" and "Remove KEYMAP_TRUSTED_PROXIES" in warning.hint
