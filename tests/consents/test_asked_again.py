"""One mechanism asks again: a new version of a mandatory term, a term published later, a
customer who joined through a partner or a host's form without the store's terms."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth import get_user_model

from store import consents
from store.consent_forms import ConsentFormMixin
from store.services.customers import onboard

from .conftest import agree_fields, publish, record_of

pytestmark = pytest.mark.django_db


def customer(username="minsu", **answers):
    user = get_user_model().objects.create_user(username, "minsu@example.com", "pw-123456")
    onboard(user, "store")
    return user


def agreed_customer(terms):
    user = customer()
    consents.record(
        user, {terms["tos"]: True, terms["privacy"]: True}, via="form", channel="signup"
    )
    return user


def test_a_new_version_of_a_mandatory_term_is_asked_at_the_next_login(client, terms):
    user = agreed_customer(terms)
    tos = terms["tos"]
    tos.text = "The new text of the terms of service."
    consents.publish(tos)
    assert tos.version == 2
    client.login(username="minsu", password="pw-123456")
    # Any POST (an order, a change of account) is held until the new version is agreed.
    held = client.post("/account/delete/", {"confirm": "on"}, HTTP_REFERER="/account/")
    assert held.status_code == 302 and held["Location"].startswith("/account/consents/?next=")
    assert get_user_model().objects.filter(pk=user.pk).exists()
    page = client.get("/account/consents/").content.decode()
    assert "A new version needs your agreement" in page
    agreed = client.post(
        "/account/consents/", {"action": "agree", **agree_fields(terms, "tos", age=False)}
    )
    assert agreed.status_code == 302
    assert ("tos", 2, True, "form", "consents_page") in record_of(user)
    # The earlier version's consent is kept, with its text.
    assert user.store_consents.filter(term=tos, version=1, agreed=True, current=False).exists()
    assert (
        "The text of Terms of service."
        in client.get(f"/terms/{tos.pk}/?version=1").content.decode()
    )
    done = client.post("/account/delete/", {"confirm": "on"})
    assert done.status_code == 302 and not done["Location"].startswith("/account/consents/")


def test_a_term_published_while_logged_in_is_caught_on_the_next_post(client, terms):
    agreed_customer(terms)
    client.login(username="minsu", password="pw-123456")
    extra = publish("third_party", "Third parties", mandatory=True, pos=9)
    resp = client.post("/account/delete/", {"confirm": "on"})
    assert resp["Location"].startswith("/account/consents/")
    assert [t.pk for t in consents.missing_mandatory(get_user_model().objects.get())] == [extra.pk]


def test_json_clients_get_a_json_answer(client, terms):
    customer()
    client.login(username="minsu", password="pw-123456")
    resp = client.post("/account/delete/", {}, HTTP_ACCEPT="application/json")
    assert resp.status_code == 403 and resp.json()["error"] == "required_consents"


def test_a_customer_who_joined_without_the_terms_is_asked_at_login(client, terms):
    # A partner's customer (custom storage) or one from a host's own form without the
    # mixin: created with no consent, asked at the first login.
    user = customer()
    client.login(username="minsu", password="pw-123456")
    assert consents.noted(client.session) == [
        {"where": "store", "term": terms["tos"].pk},
        {"where": "store", "term": terms["privacy"].pk},
    ]
    half = client.post(
        "/account/consents/", {"action": "agree", **agree_fields(terms, "tos", age=False)}
    )
    assert half.status_code == 200  # both mandatory terms are needed
    assert len(consents.missing_mandatory(user)) == 2
    client.post(
        "/account/consents/",
        {"action": "agree", **agree_fields(terms, "tos", "privacy", age=False)},
    )
    assert consents.missing_mandatory(user) == []
    assert consents.noted(client.session) == []


class HostRegistrationForm(ConsentFormMixin, forms.Form):
    """A host's own registration form with the store's terms added."""

    email = forms.EmailField()
    consent_channel = "host"


def test_a_hosts_registration_form_asks_and_records_the_terms(terms):
    refused = HostRegistrationForm({"email": "a@example.com", **agree_fields(terms, "tos")})
    assert not refused.is_valid() and f"term_{terms['privacy'].pk}" in refused.errors
    form = HostRegistrationForm(
        {"email": "a@example.com", **agree_fields(terms, "tos", "privacy", "night")}
    )
    assert form.is_valid(), form.errors
    user = customer()
    form.record_consents(user)
    assert record_of(user) == [
        ("marketing_email", 1, False, "form", "host"),
        ("marketing_night", 1, True, "form", "host"),
        ("privacy", 1, True, "form", "host"),
        ("tos", 1, True, "form", "host"),
    ]


def test_the_partner_source_is_recorded_as_such(terms):
    user = customer()
    consents.record(
        user, {terms["tos"]: True, terms["privacy"]: True}, via="partner", channel="partner"
    )
    assert ("tos", 1, True, "partner", "partner") in record_of(user)


def test_a_mandatory_term_cannot_be_recorded_as_refused_by_a_form(terms):
    with pytest.raises(ValueError):
        consents.record(customer(), {terms["tos"]: False}, via="form", channel="signup")
