"""allauth's URLs or the proof-of-ownership page left out: ``sociallogin.E007``/``E008``."""

from __future__ import annotations

from typing import Any

from sociallogin import checks
from tests.urlconf_without import without


def test_the_demo_mounts_both() -> None:
    assert checks.check_mounted_urls() == []


def test_allauth_urls_left_out(settings: Any) -> None:
    settings.ROOT_URLCONF = without("allauth.urls")
    errors = checks.check_mounted_urls()
    assert [e.id for e in errors] == ["sociallogin.E007"]
    assert "kakao_login" in errors[0].msg and 'include("allauth.urls")' in (errors[0].hint or "")


def test_proof_of_ownership_page_left_out(settings: Any) -> None:
    settings.ROOT_URLCONF = without("sociallogin.urls")
    errors = checks.check_mounted_urls()
    assert [e.id for e in errors] == ["sociallogin.E008"]
    assert 'include("sociallogin.urls")' in (errors[0].hint or "")
