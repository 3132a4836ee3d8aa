"""Reading the store's signup fields out of each provider's (untrusted) answer."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from sociallogin.signup import provider_profile

from .conftest import kakao_user, mock_kakao, social_login


def test_kakao_profile() -> None:
    data = kakao_user(
        name="김민지",
        phone_number="+82 10-1234-5678",
        birthyear="1990",
        birthday="0315",
        birthday_type="SOLAR",
        gender="female",
    )
    assert provider_profile("kakao", data) == {
        "name": "김민지",
        "email": "minji@example.com",
        "phone": "010-1234-5678",
        "birthday": datetime.date(1990, 3, 15),
        "gender": "female",
    }


def test_lunar_birthday_is_not_taken_as_solar() -> None:
    data = kakao_user(birthyear="1990", birthday="0315", birthday_type="LUNAR")
    assert "birthday" not in provider_profile("kakao", data)


def test_naver_profile() -> None:
    data = {"id": "x", "name": "Lee", "gender": "M", "birthday": "12-01", "birthyear": "1985"}
    assert provider_profile("naver", data) == {
        "name": "Lee",
        "gender": "male",
        "birthday": datetime.date(1985, 12, 1),
    }


def test_apple_name_from_form_post() -> None:
    data = {"sub": "a", "name": {"firstName": "Minji", "lastName": "Kim"}}
    assert provider_profile("apple", data)["name"] == "Minji Kim"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_any_answer_shape_gives_a_dict_of_clean_values(data: Any) -> None:
    for provider in ("kakao", "naver", "google", "facebook", "apple", "line"):
        profile = provider_profile(provider, {"kakao_account": data, "name": data, "email": data})
        assert all(isinstance(v, str | datetime.date) for v in profile.values())


def test_failure_while_saving_a_signup_leaves_nothing_half_created(
    client: Any, kakao: Any, mocked: Any, monkeypatch: Any, caplog: Any
) -> None:
    from store.host import HostAdapter
    from store.models import Customer

    def broken(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("simulated")

    # After the customer row is inserted: the welcome benefits fail.
    monkeypatch.setattr(HostAdapter, "grant_welcome_benefits", broken)
    mock_kakao(mocked)
    # The shop's own failure is the shop's 500 (handler500), not Kakao's error page.
    resp = social_login(Client(raise_request_exception=False))
    assert resp.status_code == 500
    assert 'data-testid="social-error"' not in resp.content.decode()
    assert not get_user_model().objects.exists()
    assert not SocialAccount.objects.exists()
    assert not Customer.objects.exists()
    assert any(r.exc_info and r.exc_info[0] is IntegrityError for r in caplog.records)


@pytest.mark.parametrize("birthday", ["0230", "13", "abcd"])
def test_impossible_dates_are_dropped(birthday: str) -> None:
    data = kakao_user(birthyear="1990", birthday=birthday)
    assert "birthday" not in provider_profile("kakao", data)
