"""A ``HEADLESS_ONLY`` project: no allauth HTML view exists, so none may be reversed.

Run in this process with ``override_settings`` and ``tests.headless.headless_only_urls``
(see its docstring for why that is the same project as one started with the setting).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from kakaosync.models import ServiceTerm, invalidate_settings
from tests.keymap.conftest import PARTNER, PATHS

from .conftest import (
    BROWSER,
    CALLBACK,
    KAKAOTALK,
    errors_of,
    headless_kakao_login,
    post_json,
    query,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
FRONTEND = {
    "account_login": "/spa/#login",
    "account_signup": "/spa/#signup",
    "socialaccount_login_error": "/spa/#error",
}
REQUIRED = ["terms_of_service", "privacy_policy"]


@pytest.fixture(autouse=True)
def headless_only(settings: Any) -> Any:
    with override_settings(
        HEADLESS_ONLY=True,
        ROOT_URLCONF="tests.headless.headless_only_urls",
        HEADLESS_FRONTEND_URLS=FRONTEND,
    ):
        yield


def test_the_project_has_no_allauth_html_views():
    with pytest.raises(NoReverseMatch):
        reverse("account_login")


def test_the_kakao_only_page_answers_and_logs_in_through_headless(client, restricted):
    resp = client.get("/kakaosync/login/", HTTP_USER_AGENT=KAKAOTALK)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert f'action="{BROWSER}/auth/provider/redirect"' in html
    assert 'name="provider" value="kakao"' in html
    assert "/accounts/login/" not in html
    # The page's form, as the browser posts it, starts the Kakao login (with Sync's terms).
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    go = client.post(f"{BROWSER}/auth/provider/redirect", fields, HTTP_USER_AGENT=KAKAOTALK)
    assert go.status_code == 302 and "service_terms=" in go["Location"]


def test_a_refused_html_login_in_kakaotalk_answers_without_allauths_views(client, restricted):
    resp = client.post("/keymap/login/user-id/", {"user_id": "x"}, HTTP_USER_AGENT=KAKAOTALK)
    assert resp.status_code == 403
    assert 'data-testid="kakao-only-refusal"' in resp.content.decode()


def test_the_kakao_only_answer_on_headless_endpoints_is_json(client, restricted):
    resp = post_json(
        client,
        f"{BROWSER}/auth/signup",
        {"email": "a@example.com", "username": "a", "password": "Pw-12345678x"},
        HTTP_USER_AGENT=KAKAOTALK,
    )
    assert resp.status_code == 403
    assert errors_of(resp)[0]["code"] == "kakao_only"
    assert not User.objects.exists()


def test_the_user_id_pages_answer(client, partner):
    assert client.get("/keymap/login/user-id/").status_code == 200
    with responses.RequestsMock() as mocked:
        mocked.post(PARTNER + PATHS["user_validation"], status=200)
        assert client.post("/keymap/login/user-id/", {"user_id": "87654321"}).status_code == 302
    page = client.get("/keymap/login/stronger/")
    assert page.status_code == 200
    assert 'href="/spa/#login' in page.content.decode()
    assert errors_of(client.get(f"{BROWSER}/account/email"))[0]["code"] == "login_too_weak"


def test_kakao_sync_signup_and_its_refusal_through_headless(client, sync_on, use_kakao_sandbox):
    resp, authorize = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert "service_terms=" in authorize
    assert resp["Location"] == CALLBACK
    client.delete(f"{BROWSER}/auth/session")
    from sociallogin import tombstones

    tombstones.bury("kakao", "1002")
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, person="1002", terms=REQUIRED)
    assert query(resp["Location"])["error"] == "deleted_account"


def test_the_required_terms_page_sends_the_member_through_headless(
    client, sync_on, use_kakao_sandbox
):
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert resp["Location"] == CALLBACK
    ServiceTerm.objects.create(settings=sync_on, tag="age_14", title="Over 14", required=True)
    invalidate_settings()
    # The old page's address leads to the one consents page, which offers Kakao's flow.
    old = client.get("/kakaosync/terms/", {"next": "/spa/"})
    assert old.status_code == 302 and old["Location"] == "/account/consents/?next=%2Fspa%2F"
    page = client.get(old["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{BROWSER}/auth/provider/redirect"' in html
    assert 'name="service_terms" value="age_14"' in html
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    go = client.post(f"{BROWSER}/auth/provider/redirect", fields)
    assert go.status_code == 302
    assert parse_qs(urlsplit(go["Location"]).query)["service_terms"] == ["age_14"]


def test_the_proof_of_ownership_page_answers_and_ends_on_the_callback(
    client, sync_on, use_kakao_sandbox
):
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    owner = User.objects.create_user("owner", "minji@example.com", "pw-owner-123")
    EmailAddress.objects.create(user=owner, email="minji@example.com", verified=True, primary=True)
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert query(resp["Location"])["error"] == "proof_required"
    assert client.get("/sociallogin/link/").status_code == 200
    done = client.post("/sociallogin/link/", {"action": "password", "pw-password": "pw-owner-123"})
    assert done["Location"] == CALLBACK
    assert SocialAccount.objects.get().user == owner
    # Nothing waiting any more: the front end's login page, not allauth's.
    assert client.get("/sociallogin/link/")["Location"] == "/spa/#login"


def test_the_check_names_the_front_end_urls(settings):
    from sociallogin.headless import check_frontend_urls

    assert check_frontend_urls() == []
    settings.HEADLESS_FRONTEND_URLS = {}
    errors = check_frontend_urls()
    assert [e.id for e in errors] == ["sociallogin.E031"]
    assert "account_login" in errors[0].hint


def test_the_store_signup_fields_on_provider_signup(
    client, sync_on, kakao_login, use_kakao_sandbox
):
    from sociallogin.conf import invalidate
    from store.models import Customer

    kakao_login.signup_fields = {**kakao_login.signup_fields, "phone": "required"}
    kakao_login.save()
    invalidate()
    resp, _ = headless_kakao_login(client, use_kakao_sandbox, terms=REQUIRED)
    assert resp["Location"] == CALLBACK
    path = f"{BROWSER}/auth/provider/signup"
    missing = post_json(client, path, {"email": "minji@example.com"})
    assert [e["param"] for e in errors_of(missing)] == ["phone"]
    ok = post_json(client, path, {"email": "minji@example.com", "phone": "010-1234-5678"})
    assert ok.status_code == 200, ok.content
    assert Customer.objects.get().phone == "010-1234-5678"


def test_a_partner_refusal_and_the_user_id_login_are_json(client, partner):
    with responses.RequestsMock() as mocked:
        mocked.post(PARTNER + PATHS["user_creation"], status=409, json={"message": "Taken."})
        refused = post_json(
            client,
            f"{BROWSER}/auth/signup",
            {"email": "a@example.com", "username": "a", "password": "Pw-12345678x"},
        )
        mocked.post(PARTNER + PATHS["user_validation"], status=200)
        logged_in = post_json(client, "/keymap/headless/login/user-id", {"user_id": "87654321"})
    assert errors_of(refused)[0]["code"] == "partner_refused"
    assert logged_in.status_code == 200
    assert errors_of(client.get(f"{BROWSER}/auth/session"))[0]["code"] == "login_too_weak"
