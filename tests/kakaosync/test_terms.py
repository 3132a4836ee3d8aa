"""Service terms after sign-up, against the Kakao sandbox: a required term the store added
later is asked for through Kakao's additional-consent flow (explicit tags) before ordering;
withdrawing consent in the shop withdraws it at Kakao (admin key)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount

from kakaosync import audience
from kakaosync.models import KakaoSyncMember, ServiceTerm, invalidate_settings
from store.commerce.models import Order, Product
from store.models import Customer

from .conftest import CHANNEL, shop_kakao_login
from .sandbox_helpers import login_and_consent

pytestmark = pytest.mark.django_db
JOIN_TERMS = ["terms_of_service", "privacy_policy", "marketing"]
ORDER = {"quantity": 1, "recipient_name": "Kim", "shipping_address": "Seoul 1"}


def _join(client, sandbox):
    resp, _ = shop_kakao_login(client, sandbox, terms=JOIN_TERMS, channels=[CHANNEL])
    assert resp.status_code == 302, resp.content[:300]
    return SocialAccount.objects.get(provider="kakao", uid="1001").user


def _add_required_term(sync_on, sandbox, tag: str = "location_terms") -> None:
    ServiceTerm.objects.create(settings=sync_on, tag=tag, title="Location terms", position=9)
    invalidate_settings()  # on commit in production; the test's transaction never commits
    sandbox.state.config.service_terms[tag] = True


def test_terms_are_stored_with_agreed_by_and_revocable(client, sync_on, use_kakao_sandbox):
    user = _join(client, use_kakao_sandbox)
    terms = {t["tag"]: t for t in KakaoSyncMember.objects.get(user=user).terms}
    assert terms["terms_of_service"]["agreed_by"] == "KAUTH"
    assert terms["terms_of_service"]["revocable"] is False
    assert terms["marketing"]["revocable"] is True


def test_a_required_term_added_later_is_asked_for_before_ordering(
    client, sync_on, use_kakao_sandbox
):
    sandbox = use_kakao_sandbox
    user = _join(client, sandbox)
    product = Product.objects.create(name="Tea", slug="tea", price=1000)
    _add_required_term(sync_on, sandbox)
    # The member joined before the term existed; ordering waits until they agree.
    url = f"/products/{product.slug}/"
    resp = client.post(url, ORDER, HTTP_REFERER=f"http://testserver{url}")
    assert resp.status_code == 302 and resp["Location"].startswith("/account/consents/?next=")
    assert not Order.objects.exists()
    page = client.get(resp["Location"])
    assert b"Location terms" in page.content
    action = page.context["kakao"]["action"]
    resp = client.post(action, page.context["kakao"]["fields"])
    authorize = resp["Location"]
    # Exactly the missing tag, never the whole list, never none.
    assert parse_qs(urlsplit(authorize).query)["service_terms"] == ["location_terms"]
    back = login_and_consent(sandbox.base_url, authorize, terms=["location_terms"])
    parts = urlsplit(back.headers["Location"])
    resp = client.get(f"{parts.path}?{parts.query}")
    assert resp.status_code == 302 and resp["Location"] == url
    terms = {t["tag"]: t for t in KakaoSyncMember.objects.get(user=user).terms}
    assert terms["location_terms"]["agreed"] and terms["terms_of_service"]["agreed"]
    resp = client.post(url, ORDER)
    assert resp.status_code == 302 and Order.objects.count() == 1


def test_a_term_added_while_logged_in_is_caught_on_the_next_post(
    client, sync_on, use_kakao_sandbox
):
    _join(client, use_kakao_sandbox)
    product = Product.objects.create(name="Tea", slug="tea", price=1000)
    _add_required_term(sync_on, use_kakao_sandbox)
    resp = client.post(f"/products/{product.slug}/", ORDER)
    assert resp["Location"].startswith("/account/consents/?next=")
    # Reading stays open.
    assert client.get(f"/products/{product.slug}/").status_code == 200


def test_withdrawing_marketing_in_the_shop_revokes_it_at_kakao(client, sync_on, use_kakao_sandbox):
    from store import consents
    from store.models import Term

    # The audience reads the store's consent record; Kakao's "marketing" tag feeds it.
    ads = consents.publish(
        Term(kind="marketing_sms", title="Ads", text="t", kakao_tag="marketing", published=True)
    )
    sandbox = use_kakao_sandbox
    user = _join(client, sandbox)
    assert consents.current(user)[ads.pk].via == "kakao"
    assert audience.audience("moment").count() == 1
    page = client.get("/kakaosync/consents/")
    assert b'data-testid="withdraw-marketing"' in page.content
    assert b'data-testid="withdraw-terms_of_service"' not in page.content  # not revocable
    resp = client.post("/kakaosync/consents/", {"tag": "marketing"})
    assert resp.status_code == 302
    assert sandbox.state.links[1001].terms["marketing"]["agreed"] is False
    terms = {t["tag"]: t for t in KakaoSyncMember.objects.get(user=user).terms}
    assert terms["marketing"]["agreed"] is False
    assert not Customer.objects.get(user=user).marketing_consent
    assert audience.audience("moment").count() == 0
    assert not consents.current(user)[ads.pk].agreed


def test_a_required_term_cannot_be_withdrawn_and_kakao_faults_change_nothing(
    client, sync_on, use_kakao_sandbox, settings
):
    user = _join(client, use_kakao_sandbox)
    client.post("/kakaosync/consents/", {"tag": "terms_of_service"})
    assert use_kakao_sandbox.state.links[1001].terms["terms_of_service"]["agreed"]
    settings.KAKAOSYNC_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    resp = client.post("/kakaosync/consents/", {"tag": "marketing"}, follow=True)
    assert "nothing was changed" in resp.content.decode()
    assert Customer.objects.get(user=user).marketing_consent
