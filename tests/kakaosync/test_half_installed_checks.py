"""``kakaosync.urls`` left out: Kakao's webhooks and security events cannot reach the shop
(``kakaosync.E002``)."""

from __future__ import annotations

from typing import Any

from kakaosync import checks
from tests.urlconf_without import without


def test_the_demo_mounts_it() -> None:
    assert checks.check_urls() == []


def test_kakaosync_urls_left_out(settings: Any) -> None:
    settings.ROOT_URLCONF = without("kakaosync.urls")
    (error,) = checks.check_urls()
    assert error.id == "kakaosync.E002"
    assert "kakaosync:webhook_events" in error.msg
    assert 'include("kakaosync.urls")' in (error.hint or "")
