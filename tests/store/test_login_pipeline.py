"""The login pipeline's registry and the one writer of customer rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import checks
from django.test import override_settings
from django.utils import timezone

from store import login_pipeline
from store.default_pipeline import PIPELINE
from store.login_pipeline import LoginContext, ProfileChange, login_step
from store.services import customers

from .factories import make_customer

ran: list[str] = []


def first(ctx: LoginContext) -> None:
    ran.append("first")


def second(ctx: LoginContext) -> None:
    ran.append("second")


@login_step(providers={"naver"})
def naver_only(ctx: LoginContext) -> None:
    ran.append("naver")


@login_step(kinds={"user_id"})
def user_id_only(ctx: LoginContext) -> None:
    ran.append("user_id")


@login_step(promise="kakao_only")
def own_kakao_only(ctx: LoginContext) -> None:
    ran.append("own_kakao_only")


HERE = __name__


def _ids(errors: list[checks.CheckMessage]) -> list[str]:
    return [str(e.id) for e in errors]


def test_the_default_pipeline_imports_and_keeps_every_promise() -> None:
    assert login_pipeline.check_pipeline() == []
    steps = [path for stage in PIPELINE for path, _step, _info in login_pipeline.steps_of(stage)]
    assert steps == [path for paths in PIPELINE.values() for path in paths]
    promised = {info.promise for s in PIPELINE for _p, _s, info in login_pipeline.steps_of(s)}
    assert set(login_pipeline.PROMISES) == promised - {""}


def test_dropping_a_promise_step_is_an_error_naming_the_setting() -> None:
    without = tuple(
        p for p in PIPELINE["user_logged_in"] if p != "kakaosync.login_steps.refuse_outside_kakao"
    )
    with override_settings(STORE_LOGIN_PIPELINE={**PIPELINE, "user_logged_in": without}):
        errors = login_pipeline.check_pipeline()
    assert _ids(errors) == ["store.E005"]
    assert "STORE_LOGIN_PIPELINE['user_logged_in']" in errors[0].msg
    assert "kakaosync.login_steps.refuse_outside_kakao" in errors[0].msg


def test_a_step_that_does_not_import_or_an_unknown_stage_is_an_error() -> None:
    broken = {
        **PIPELINE,
        "user_logged_in": (*PIPELINE["user_logged_in"], "myshop.steps.missing"),
        "after_login": (),
    }
    with override_settings(STORE_LOGIN_PIPELINE=broken):
        errors = login_pipeline.check_pipeline()
    assert sorted(_ids(errors)) == ["store.E004", "store.E006"]


def test_a_stage_that_is_not_a_list_of_paths_is_an_error() -> None:
    with override_settings(STORE_LOGIN_PIPELINE={**PIPELINE, "user_signed_up": "store.x"}):
        assert _ids(login_pipeline.check_pipeline()) == ["store.E004"]


def test_a_promise_step_may_be_replaced_by_one_declaring_the_same_promise() -> None:
    replaced = tuple(
        f"{HERE}.own_kakao_only" if p.endswith(".refuse_outside_kakao") else p
        for p in PIPELINE["user_logged_in"]
    )
    with override_settings(STORE_LOGIN_PIPELINE={**PIPELINE, "user_logged_in": replaced}):
        assert login_pipeline.check_pipeline() == []


def test_steps_run_in_the_listed_order_where_they_apply(rf: Any) -> None:
    ran.clear()
    order = tuple(f"{HERE}.{name}" for name in ("second", "naver_only", "user_id_only", "first"))
    with override_settings(STORE_LOGIN_PIPELINE={**PIPELINE, "user_logged_in": order}):
        ctx = login_pipeline.begin(rf.get("/"), "password")
        login_pipeline.run("user_logged_in", ctx)
        assert ran == ["second", "first"] and ctx.finished
        assert login_pipeline.current(ctx.request) is None  # one login, run once
        ran.clear()
        user_id = login_pipeline.begin(rf.get("/"), "user_id")
        login_pipeline.run("user_logged_in", user_id)
        assert ran == ["second", "user_id", "first"]


def refuse(ctx: LoginContext) -> None:
    raise RuntimeError("refused")


def test_a_step_that_stops_the_login_ends_its_stage(rf: Any) -> None:
    ctx = login_pipeline.begin(rf.get("/"), "password")
    with (
        override_settings(STORE_LOGIN_PIPELINE={**PIPELINE, "user_logged_in": (f"{HERE}.refuse",)}),
        pytest.raises(RuntimeError),
    ):
        login_pipeline.run("user_logged_in", ctx)
    assert ctx.stage == "" and ctx.step == "" and ctx.finished


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
