"""The login pipeline's registry and the one writer of customer rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from store import login_pipeline
from store.login_pipeline import STAGES, LoginContext, ProfileChange
from store.services import customers

from .factories import make_customer


def test_every_registered_step_is_listed_and_every_listed_step_is_registered() -> None:
    listed = {name for names in STAGES.values() for name in names}
    assert set(login_pipeline._steps) == listed
    assert login_pipeline.check_registered() == []


def test_a_step_registered_outside_the_list_is_reported() -> None:
    login_pipeline.register("keymap.unlisted", lambda ctx: None)
    try:
        errors = login_pipeline.check_registered()
    finally:
        del login_pipeline._steps["keymap.unlisted"]
    assert [e.id for e in errors] == ["store.E003"] and "keymap.unlisted" in errors[0].msg


def test_steps_run_in_the_listed_order_and_missing_apps_are_skipped(
    monkeypatch: pytest.MonkeyPatch, rf: Any
) -> None:
    ran: list[str] = []
    monkeypatch.setitem(STAGES, "logged_in", ("test.second", "test.absent", "test.first"))
    monkeypatch.setitem(login_pipeline._steps, "test.first", lambda ctx: ran.append("first"))
    monkeypatch.setitem(login_pipeline._steps, "test.second", lambda ctx: ran.append("second"))
    login_pipeline.run("logged_in", LoginContext(request=rf.get("/"), kind="password"))
    assert ran == ["second", "first"]


@pytest.mark.django_db
def test_profile_values_keep_their_source_and_time() -> None:
    customer = make_customer()
    at = timezone.now()
    customers.create_or_update(
        customer.user,
        "kakao",
        {
            "nickname": ProfileChange("Minji", "provider:kakao", at),
            "phone": ProfileChange("010-1234-5678", "form", at),
        },
    )
    customer.refresh_from_db()
    assert customer.nickname == "Minji" and customer.phone == "010-1234-5678"
    assert customer.profile_sources["nickname"] == {
        "source": "provider:kakao",
        "at": at.isoformat(),
    }
    assert customer.profile_sources["phone"]["source"] == "form"
    customers.update_profile(customer, {"nickname": "gamer"}, source="partner:social_login")
    customer.refresh_from_db()
    assert customer.profile_sources["nickname"]["source"] == "partner:social_login"


@pytest.mark.django_db
def test_marketing_consent_the_newest_statement_wins() -> None:
    customer = make_customer()
    now = timezone.now()
    earlier = now - datetime.timedelta(minutes=5)
    assert customers.set_marketing_consent(customer.user, True, source="form", at=now)
    # Kakao's terms read before the customer said yes on the form do not take it back.
    assert not customers.set_marketing_consent(
        customer.user, False, source="kakao_sync", at=earlier
    )
    customer.refresh_from_db()
    assert customer.marketing_consent and customer.marketing_consent_at == now
    later = now + datetime.timedelta(minutes=5)
    assert customers.set_marketing_consent(customer.user, False, source="kakao_sync", at=later)
    customer.refresh_from_db()
    assert not customer.marketing_consent and customer.marketing_consent_at is None
    assert customer.profile_sources["marketing_consent"]["source"] == "kakao_sync"


@pytest.mark.django_db
def test_an_existing_row_is_updated_not_duplicated() -> None:
    customer = make_customer()
    again = customers.create_or_update(
        customer.user, "kakao", {"gender": ProfileChange("female", "form", timezone.now())}
    )
    assert again.pk == customer.pk and again.join_channel == customer.join_channel
