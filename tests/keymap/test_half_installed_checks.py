"""``keymap.urls`` left out: no user-ID login page, no stronger login (``keymap.E007``)."""

from __future__ import annotations

from typing import Any

from keymap import checks
from tests.urlconf_without import without


def test_the_demo_mounts_it() -> None:
    assert checks.check_urls() == []


def test_keymap_urls_left_out(settings: Any) -> None:
    settings.ROOT_URLCONF = without("keymap.urls")
    (error,) = checks.check_urls()
    assert error.id == "keymap.E007"
    assert "keymap:stronger_login" in error.msg
    assert 'include("keymap.urls")' in (error.hint or "")
