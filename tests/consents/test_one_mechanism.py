"""One mechanism for everything mandatory a customer lacks: a new version of the store's term
and a required Kakao Sync term added after the member joined are noted as one list (one
session key), held by one guard, listed on one page, named in one JSON answer."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kakaosync.models import KakaoSyncMember, ServiceTerm, invalidate_settings
from store import consents
from store.services.customers import onboard

from .conftest import agree_fields, publish

pytestmark = pytest.mark.django_db
AGREED = [
    {"tag": "terms_of_service", "required": True, "agreed": True},
    {"tag": "privacy_policy", "required": True, "agreed": True},
]
BROWSER = "/_allauth/browser/v1"


def member(terms, *, kakao: bool = True):
    user = get_user_model().objects.create_user("minji", "minji@example.com", "pw-123456!")
    onboard(user, "kakao" if kakao else "store")
    if kakao:
        KakaoSyncMember.objects.create(
            user=user, kakao_user_id=1001, joined_via_sync=True, terms=AGREED
        )
    consents.record(
        user, {terms["tos"]: True, terms["privacy"]: True}, via="form", channel="signup"
    )
    return user


def new_tos_version(terms):
    tos = terms["tos"]
    tos.text = "The new text of the terms of service."
    consents.publish(tos)
    return tos


def add_kakao_term(sync_on, tag: str = "location_terms") -> None:
    ServiceTerm.objects.create(settings=sync_on, tag=tag, title="Location", position=9)
    invalidate_settings()


def password_login(user) -> Client:
    client = Client()
    resp = client.post("/accounts/login/", {"login": user.username, "password": "pw-123456!"})
    assert resp.status_code == 302, resp.content[:300]
    return client


def test_the_stores_term_and_kakaos_tag_are_one_list_under_one_session_key(terms, sync_on):
    user = member(terms)
    tos = new_tos_version(terms)
    add_kakao_term(sync_on)
    client = password_login(user)
    assert consents.noted(client.session) == [
        {"where": "store", "term": tos.pk},
        {"where": "kakao", "tag": "location_terms"},
    ]
    keys = set(client.session.keys())
    assert consents.SESSION_KEY in keys
    assert {k for k in keys if "terms" in k or "consent" in k} == set()


def test_one_guard_holds_the_write_and_one_page_offers_both_ways(terms, sync_on):
    user = member(terms)
    tos = new_tos_version(terms)
    add_kakao_term(sync_on)
    client = password_login(user)
    held = client.post("/account/delete/", {"confirm": "on"}, HTTP_REFERER="/account/")
    assert held.status_code == 302 and held["Location"] == "/account/consents/?next=%2Faccount%2F"
    assert get_user_model().objects.filter(pk=user.pk).exists()
    page = client.get(held["Location"])
    html = page.content.decode()
    # The store's term to tick, Kakao's to agree at Kakao: on the same page.
    assert f'name="term_{tos.pk}"' in html and "A new version needs your agreement" in html
    kakao = page.context["kakao"]
    assert kakao["missing"] == ["Location"]
    assert "service_terms%3Dlocation_terms" in kakao["action"]
    # Kakao's flow comes back here while the store's term is still missing.
    assert kakao["fields"]["next"] == "/account/consents/?next=%2Faccount%2F"

    agreed = client.post(
        "/account/consents/",
        {"action": "agree", "next": "/account/", **agree_fields(terms, "tos", age=False)},
    )
    # The store's term is agreed; Kakao's is still missing: back to the page, still held.
    assert agreed["Location"] == "/account/consents/?next=%2Faccount%2F"
    assert consents.noted(client.session) == [{"where": "kakao", "tag": "location_terms"}]
    assert client.post("/account/delete/", {"confirm": "on"})["Location"].startswith(
        "/account/consents/"
    )
    page = client.get("/account/consents/?next=/account/")
    assert page.context["kakao"]["fields"]["next"] == "/account/"  # only Kakao's left

    # Kakao's answer arrives (the additional-consent login stores it): nothing is held.
    KakaoSyncMember.objects.filter(user=user).update(
        terms=[*AGREED, {"tag": "location_terms", "required": True, "agreed": True}]
    )
    page = client.get("/account/consents/")
    assert page.context["kakao"] is None and consents.noted(client.session) == []
    done = client.post("/account/delete/", {"confirm": "on"})
    assert not done["Location"].startswith("/account/consents/")


def test_json_clients_get_one_answer_naming_every_missing_item(terms, sync_on):
    user = member(terms)
    tos = new_tos_version(terms)
    add_kakao_term(sync_on)
    client = password_login(user)
    resp = client.post("/api/token")
    assert resp.status_code == 403 and "access_token" not in resp.json()
    body = resp.json()
    assert body["status"] == 403 and body["error"] == "required_terms"
    assert [(e["code"], e["param"]) for e in body["errors"]] == [
        ("required_consents", f"term_{tos.pk}"),
        ("required_terms", "location_terms"),
    ]
    assert [(m["where"], m["title"]) for m in body["data"]["missing"]] == [
        ("store", "Terms of service"),
        ("kakao", "Location"),
    ]
    assert body["data"]["url"] == "/account/consents/"
    assert body["data"]["flow"]["fields"]["service_terms"] == "location_terms"


def test_a_headless_write_names_the_stores_missing_term_in_allauths_shape(terms):
    user = member(terms, kakao=False)
    tos = new_tos_version(terms)
    client = password_login(user)
    resp = client.post(
        f"{BROWSER}/account/email",
        json.dumps({"email": "other@example.com"}),
        content_type="application/json",
    )
    assert resp.status_code == 403
    body = resp.json()
    assert body["status"] == 403 and body["error"] == "required_consents"
    assert [(e["code"], e["param"]) for e in body["errors"]] == [
        ("required_consents", f"term_{tos.pk}")
    ]
    assert body["data"]["flow"] is None
    # Reading the session and logging out stay open.
    assert client.get(f"{BROWSER}/auth/session").status_code == 200
    assert client.delete(f"{BROWSER}/auth/session").status_code == 401


def test_a_store_term_kakaos_screen_will_ask_is_asked_there_only(terms, sync_on):
    user = member(terms)
    add_kakao_term(sync_on)
    # The store's own mandatory term for the same tag: Kakao's answer records it.
    publish("third_party", "Location data", mandatory=True, tag="location_terms", pos=9)
    client = password_login(user)
    assert consents.noted(client.session) == [{"where": "kakao", "tag": "location_terms"}]


def test_the_answer_and_the_page_read_in_korean(terms, sync_on):
    user = member(terms)
    new_tos_version(terms)
    add_kakao_term(sync_on)
    client = password_login(user)
    body = client.post("/api/token", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert [e["message"] for e in body["errors"]] == [
        "계속하려면 쇼핑몰의 동의 관리 페이지에서 “Terms of service”에 동의해 주세요.",
        "계속하려면 카카오에서 “Location”에 동의해 주세요.",
    ]
    html = client.get("/account/consents/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "카카오에서 동의하기" in html and "새로 추가된 약관에 동의해 주세요" in html
