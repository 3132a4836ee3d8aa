"""The admin: terms with text, version, mandatory flag and Kakao tag; the record, exported."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from store import consents
from store.models import Term

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "tos",
    "title": "우리 상점 이용약관",
    "text": "제1조(목적)",
    "mandatory": "on",
    "kakao_tag": "terms_of_service",
    "published": "on",
    "position": "1",
}


@pytest.fixture
def admin_client(client):
    get_user_model().objects.create_superuser("boss", "boss@example.com", "Boss-pass-1234")
    client.login(username="boss", password="Boss-pass-1234")
    return client


def test_editing_a_terms_text_publishes_a_new_version(admin_client):
    assert admin_client.post("/admin/store/term/add/", FORM).status_code == 302
    term = Term.objects.get(title="우리 상점 이용약관")
    assert (term.version, term.kakao_tag, term.mandatory) == (1, "terms_of_service", True)
    admin_client.post(f"/admin/store/term/{term.pk}/change/", {**FORM, "position": "2"})
    assert Term.objects.get(pk=term.pk).version == 1  # the order is not the text
    admin_client.post(f"/admin/store/term/{term.pk}/change/", {**FORM, "text": "제1조(목적) 새"})
    term.refresh_from_db()
    assert term.version == 2
    assert list(term.versions.values_list("version", "text")) == [
        (2, "제1조(목적) 새"),
        (1, "제1조(목적)"),
    ]
    assert [t.version for t in consents.published_terms()] == [2]


def test_advertising_cannot_be_made_mandatory(admin_client):
    resp = admin_client.post("/admin/store/term/add/", {**FORM, "kind": "marketing_sms"})
    assert resp.status_code == 200
    assert "Consent to advertising can never be mandatory." in resp.content.decode()
    assert not Term.objects.filter(kind="marketing_sms", published=True).exists()


def test_the_record_is_listed_and_exported(admin_client, terms):
    user = get_user_model().objects.create_user("mina", "mina@example.com")
    consents.record(user, {terms["tos"]: True, terms["email"]: False}, via="form", channel="signup")
    assert "mina" in admin_client.get("/admin/store/consent/").content.decode()
    ids = [str(c.pk) for c in user.store_consents.all()]
    resp = admin_client.post(
        "/admin/store/consent/", {"action": "export_csv", "_selected_action": ids}
    )
    lines = resp.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("user_id,username,term,kind,version,agreed,at,via,channel")
    assert len(lines) == 3 and all(",mina," in line for line in lines[1:])
