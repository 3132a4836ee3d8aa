"""Social signups, each provider through the providers' sandbox: the store's terms are
asked before anybody joins (the terms page of a paused login, or the "finish joining"
form, whose base is the store's signup form)."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount

from sociallogin.catalog import DEFAULT_SIGNUP_RULES
from tests.sociallogin.conftest import sandbox_login
from tests.sociallogin.test_sandbox_flows import apple_key

from .conftest import agree_fields, record_of, set_policy

pytestmark = pytest.mark.django_db

JOIN_PAGES = ("/account/consents/join/", "/accounts/3rdparty/signup/")
PROVIDERS = ["kakao", "naver", "google", "facebook", "apple", "line"]


@pytest.fixture
def provider_on(enable_provider):
    def on(provider, **rules):
        extra = {}
        if provider == "apple":
            extra = {
                "client_id": "shop.apple",
                "team_id": "TEAM123",
                "key_id": "KEY123",
                "private_key": apple_key(),
                "secret": "",
            }
        return enable_provider(provider, signup_fields={**DEFAULT_SIGNUP_RULES, **rules}, **extra)

    return on


@pytest.mark.parametrize("provider", PROVIDERS)
def test_joining_waits_for_the_mandatory_terms(client, terms, use_sandbox, provider_on, provider):
    provider_on(provider)
    resp = sandbox_login(client, provider)
    # Joining without a form (the profile is complete) pauses at the terms page; a provider
    # that lacks a field the admin asks (LINE's e-mail) goes to allauth's form: both ask.
    form_url = resp["Location"]
    assert resp.status_code == 302 and form_url in JOIN_PAGES, resp
    extra = {} if form_url == "/account/consents/join/" else {"email": "line@example.com"}
    assert not SocialAccount.objects.filter(provider=provider).exists()
    page = client.get(form_url).content.decode()
    assert f'href="/terms/{terms["tos"].pk}/"' in page
    refused = client.post(form_url, {**extra, **agree_fields(terms, "tos")})
    assert refused.status_code == 200
    assert not SocialAccount.objects.filter(provider=provider).exists()
    joined = client.post(form_url, {**extra, **agree_fields(terms, "tos", "privacy")})
    assert joined.status_code == 302, joined.content[:300]
    user = SocialAccount.objects.get(provider=provider).user
    channel = f"social:{provider}"
    assert record_of(user) == [
        ("marketing_email", 1, False, "form", channel),
        ("marketing_night", 1, False, "form", channel),
        ("privacy", 1, True, "form", channel),
        ("tos", 1, True, "form", channel),
    ]


def test_the_finish_joining_form_asks_the_terms_and_never_hides_them(
    client, terms, use_sandbox, provider_on
):
    # The admin asks for a phone number Naver's sandbox does not give: allauth's form.
    provider_on("naver", phone="required")
    resp = sandbox_login(client, "naver")
    assert resp.status_code == 302 and resp["Location"] == "/accounts/3rdparty/signup/"
    page = client.get("/accounts/3rdparty/signup/").content.decode()
    assert f'name="term_{terms["tos"].pk}"' in page and f'href="/terms/{terms["tos"].pk}/"' in page
    base = {"phone": "010-1234-5678", "email": "sandbox@example.com"}
    client.post("/accounts/3rdparty/signup/", {**base, **agree_fields(terms, "privacy")})
    assert not SocialAccount.objects.filter(provider="naver").exists()
    done = client.post(
        "/accounts/3rdparty/signup/", {**base, **agree_fields(terms, "tos", "privacy", "email")}
    )
    assert done.status_code == 302, done.content[:500]
    user = SocialAccount.objects.get(provider="naver").user
    assert ("marketing_email", 1, True, "form", "social:naver") in record_of(user)
    assert user.customer.marketing_consent


def test_under_14_is_refused_or_asked_for_a_guardian(client, terms, use_sandbox, provider_on):
    provider_on("google")
    set_policy("refuse")
    sandbox_login(client, "google")
    page = client.post("/account/consents/join/", agree_fields(terms, "tos", "privacy", age=False))
    assert "Customers under 14 cannot join this store." in page.content.decode()
    set_policy("guardian")
    page = client.post("/account/consents/join/", agree_fields(terms, "tos", "privacy", age=False))
    assert "legal guardian" in page.content.decode()
    assert not SocialAccount.objects.filter(provider="google").exists()
    fields = {
        **agree_fields(terms, "tos", "privacy", age=False),
        "guardian_name": "Park Father",
        "guardian_contact": "010-9999-8888",
        "guardian_consent": "on",
    }
    assert client.post("/account/consents/join/", fields).status_code == 302
    user = SocialAccount.objects.get(provider="google").user
    assert {c.via for c in user.store_consents.all()} == {"guardian"}
