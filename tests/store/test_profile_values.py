"""Gender and birthday read the same way from a provider's and a partner's answer."""

from __future__ import annotations

import datetime as dt

import pytest

from keymap.mapping import compile_key_map, map_answer
from sociallogin.signup import provider_profile
from store import profile_values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" Male ", "male"), ("F", "female"), ("여자", "female"), ("x", "other"), ("U", None)],
)
def test_gender_spellings(raw: str, expected: str | None) -> None:
    assert profile_values.gender(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19900515", dt.date(1990, 5, 15)),
        ("1990-05-15", dt.date(1990, 5, 15)),
        ("19900230", None),
        ("1990/05/15", None),
        ("\uff11\uff19\uff19\uff100515", None),  # full-width digits are not read
    ],
)
def test_dates(raw: str, expected: dt.date | None) -> None:
    assert profile_values.date(raw) == expected


def test_plausible_birthdays() -> None:
    assert profile_values.is_plausible_birthday(dt.date(1990, 5, 15))
    assert not profile_values.is_plausible_birthday(dt.date(1899, 12, 31))
    assert not profile_values.is_plausible_birthday(dt.date.today() + dt.timedelta(days=2))


def test_provider_and_partner_answers_agree() -> None:
    naver = provider_profile("naver", {"gender": "여성", "birthyear": "1990", "birthday": "05-15"})
    partner = map_answer(
        compile_key_map({"gender": "g", "birthday": "b"}), {"g": "여성", "b": "1990-05-15"}
    )
    assert (naver["gender"], naver["birthday"]) == (partner["gender"], partner["birthday"])
