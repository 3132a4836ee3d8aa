"""Sandbox wiring from the environment in any host project: the Kakao hosts and the
providers sandbox fall back to environment variables; a value in settings wins."""

from __future__ import annotations

import pytest

from kakaosync.app_settings import app_settings as kakaosync_settings
from sociallogin.app_settings import app_settings as sociallogin_settings


@pytest.fixture
def no_django_setting(settings):
    for name in ("KAKAOSYNC_AUTH_BASE_URL", "KAKAOSYNC_API_BASE_URL", "SOCIALLOGIN_SANDBOX_URL"):
        if hasattr(settings, name):
            delattr(settings, name)
    return settings


def test_defaults_without_environment(no_django_setting, monkeypatch) -> None:
    for name in ("KAKAOSYNC_AUTH_BASE_URL", "KAKAOSYNC_API_BASE_URL", "SOCIALLOGIN_SANDBOX_URL"):
        monkeypatch.delenv(name, raising=False)
    assert kakaosync_settings.AUTH_BASE_URL == "https://kauth.kakao.com"
    assert kakaosync_settings.API_BASE_URL == "https://kapi.kakao.com"
    assert sociallogin_settings.SANDBOX_URL == ""


def test_environment_is_the_fallback(no_django_setting, monkeypatch) -> None:
    monkeypatch.setenv("KAKAOSYNC_AUTH_BASE_URL", "http://127.0.0.1:8767/")
    monkeypatch.setenv("KAKAOSYNC_API_BASE_URL", "http://127.0.0.1:8769")
    monkeypatch.setenv("SOCIALLOGIN_SANDBOX_URL", "http://127.0.0.1:8768/")
    assert kakaosync_settings.AUTH_BASE_URL == "http://127.0.0.1:8767"
    assert kakaosync_settings.API_BASE_URL == "http://127.0.0.1:8769"
    assert sociallogin_settings.SANDBOX_URL == "http://127.0.0.1:8768"


def test_settings_win_over_the_environment(no_django_setting, monkeypatch) -> None:
    monkeypatch.setenv("KAKAOSYNC_AUTH_BASE_URL", "http://127.0.0.1:8767")
    monkeypatch.setenv("SOCIALLOGIN_SANDBOX_URL", "http://127.0.0.1:8768")
    no_django_setting.KAKAOSYNC_AUTH_BASE_URL = "https://kauth.example"
    no_django_setting.SOCIALLOGIN_SANDBOX_URL = ""
    assert kakaosync_settings.AUTH_BASE_URL == "https://kauth.example"
    assert sociallogin_settings.SANDBOX_URL == ""
