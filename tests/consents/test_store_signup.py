"""The store-ID signup (allauth's form, built on store.consent_forms.StoreSignupForm)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from .conftest import agree_fields, record_of, set_policy

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "email": "jisoo@example.com",
    "username": "jisoo",
    "password1": "a-Long-pass-123",
    "password2": "a-Long-pass-123",
}


def signup(client, **fields):
    return client.post("/accounts/signup/", {**ACCOUNT, **fields})


def test_the_signup_page_shows_every_term_linked_to_its_text(client, terms):
    page = client.get("/accounts/signup/").content.decode()
    for term in terms.values():
        assert f'name="term_{term.pk}"' in page
        assert f'href="/terms/{term.pk}/"' in page
    text = client.get(f"/terms/{terms['privacy'].pk}/").content.decode()
    assert "The text of Personal data." in text


def test_no_customer_without_the_mandatory_consents(client, terms):
    resp = signup(client, **agree_fields(terms, "tos", "email"))
    assert resp.status_code == 200
    assert "Joining needs your agreement to this term." in resp.content.decode()
    assert not get_user_model().objects.filter(username="jisoo").exists()


def test_optional_refused_still_joins_and_is_recorded(client, terms, mailoutbox, commits):
    with commits(execute=True):
        resp = signup(client, **agree_fields(terms, "tos", "privacy"))
    assert resp.status_code == 302, resp.content[:400]
    user = get_user_model().objects.get(username="jisoo")
    assert record_of(user) == [
        ("marketing_email", 1, False, "form", "signup"),
        ("marketing_night", 1, False, "form", "signup"),
        ("privacy", 1, True, "form", "signup"),
        ("tos", 1, True, "form", "signup"),
    ]
    assert not user.customer.marketing_consent
    # Network Act art. 50(7): the result of the answer about advertising, with its date.
    assert len(mailoutbox) == 1 and "refused or withdrawn" in mailoutbox[0].body


def test_marketing_agreed_mails_the_result_with_the_date(client, terms, mailoutbox, commits):
    with commits(execute=True):
        resp = signup(client, **agree_fields(terms, "tos", "privacy", "email"))
    assert resp.status_code == 302
    user = get_user_model().objects.get(username="jisoo")
    assert user.customer.marketing_consent
    consent = user.store_consents.get(term=terms["email"], current=True)
    when = timezone.localtime(consent.at)
    assert f"Ads by e-mail: agreed ({when:%Y-%m-%d %H:%M})" in mailoutbox[0].body
    assert user.store_consent_notices.get().kind == "result"


def test_under_14_is_refused_when_the_admin_refuses(client, terms):
    set_policy("refuse")
    resp = signup(client, **agree_fields(terms, "tos", "privacy", age=False))
    assert "Customers under 14 cannot join this store." in resp.content.decode()
    assert not get_user_model().objects.filter(username="jisoo").exists()


def test_under_14_joins_with_the_guardians_consent_when_the_admin_allows(client, terms):
    set_policy("guardian")
    fields = agree_fields(terms, "tos", "privacy", age=False)
    resp = signup(client, **fields)
    assert "joining needs your legal guardian" in resp.content.decode().lower()
    assert not get_user_model().objects.filter(username="jisoo").exists()
    resp = signup(
        client,
        **fields,
        guardian_name="Kim Mother",
        guardian_contact="mother@example.com",
        guardian_consent="on",
    )
    assert resp.status_code == 302
    user = get_user_model().objects.get(username="jisoo")
    tos = user.store_consents.get(term=terms["tos"])
    assert (tos.via, tos.guardian_name, tos.guardian_contact) == (
        "guardian",
        "Kim Mother",
        "mother@example.com",
    )


def test_without_published_terms_the_signup_is_unchanged(client, db):
    page = client.get("/accounts/signup/").content.decode()
    assert "term_" not in page and "age_14_or_older" not in page
