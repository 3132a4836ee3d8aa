"""A recipe cannot be half-installed: each part a promise needs, left out, is an Error that
says what to add (``store.E021``, ``store.E022``, ``commerce.E001``)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.checks import run_checks

from store import checks
from store.commerce import checks as commerce_checks
from tests.urlconf_without import without


def ids(messages: list[Any]) -> list[str]:
    return [m.id for m in messages]


def test_the_demo_has_every_part() -> None:
    assert checks.check_urls() == []
    assert checks.check_context_processor() == []
    assert commerce_checks.check_humanize() == []


def test_store_urls_left_out(settings: Any) -> None:
    settings.ROOT_URLCONF = without("store.urls")
    (error,) = checks.check_urls()
    assert error.id == "store.E021" and 'include("store.urls")' in (error.hint or "")
    assert "store.E021" in ids(run_checks(tags=["urls"]))


def test_store_context_processor_left_out(settings: Any) -> None:
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        processors = engine.get("OPTIONS", {}).get("context_processors", [])
        engine.get("OPTIONS", {})["context_processors"] = [
            p for p in processors if p != checks.CONTEXT_PROCESSOR
        ]
    settings.TEMPLATES = templates
    (error,) = checks.check_context_processor()
    assert error.id == "store.E022" and checks.CONTEXT_PROCESSOR in (error.hint or "")
    assert "store.E022" in ids(run_checks(tags=["templates"]))


def test_humanize_left_out_with_the_built_in_shop(settings: Any) -> None:
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django.contrib.humanize"]
    (error,) = commerce_checks.check_humanize()
    assert error.id == "commerce.E001" and "django.contrib.humanize" in (error.hint or "")


def test_a_login_that_would_land_on_a_404(settings: Any) -> None:
    assert checks.check_urls() == []  # the demo's "commerce:account"
    for target in ("/accounts/profile/", "no-such-url-name"):
        settings.LOGIN_REDIRECT_URL = target
        (error,) = checks.check_urls()
        assert error.id == "store.E023" and target in error.msg
    for target in ("/", "commerce:account", "https://example.com/welcome"):
        settings.LOGIN_REDIRECT_URL = target
        assert checks.check_urls() == []
