"""Gender and birthday of a customer profile, read from an untrusted answer.

One reading for every source (a social provider's answer in ``sociallogin.signup``, a
partner's webhook answer in ``keymap.mapping``), so that the same spelling gives the same
profile value whichever way the customer came in. ``None`` means "not a value we read";
each caller decides whether that drops the value or is an error.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

# Spellings seen in answers, lower-cased, onto ``store.models.Gender`` values.
GENDERS: dict[str, str] = {
    "male": "male",
    "m": "male",
    "man": "male",
    "남": "male",
    "남성": "male",
    "남자": "male",
    "female": "female",
    "f": "female",
    "woman": "female",
    "여": "female",
    "여성": "female",
    "여자": "female",
    "other": "other",
    "o": "other",
    "x": "other",
    "기타": "other",
}


def gender(value: str) -> str | None:
    """``male``, ``female`` or ``other`` for a known spelling (any case, spaces around)."""
    return GENDERS.get(value.strip().lower())


def date(text: str) -> dt.date | None:
    """A calendar date written ``YYYYMMDD`` or ``YYYY-MM-DD`` (spaces around allowed)."""
    text = text.strip()
    try:
        if len(text) == 8 and text.isascii() and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return None


def is_plausible_birthday(day: dt.date) -> bool:
    """Not before 1900 and not in the future."""
    return day.year >= 1900 and day <= _today()


_today_cache: list[Any] = [0.0, dt.date.min]


def _today() -> dt.date:
    # date.today() costs more than the rest of a mapping; a minute-old "today" is fine.
    now = time.monotonic()
    if now - _today_cache[0] > 60:
        _today_cache[0], _today_cache[1] = now, dt.date.today()
    return _today_cache[1]
