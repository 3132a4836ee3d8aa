"""System checks for a host shop: URL order shadowing allauth's pages or a provider's login,
a known host without its adapter, settings kept in a per-process cache (also in DEBUG)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.urls import include, path

from sociallogin.checks import check_provider_urls
from store.checks import check_allauth_urls, check_host_adapter, check_shared_cache
from store.host import HostAdapter


def host_page(request):
    return HttpResponse("the host's page")


host_first = [
    path("accounts/login/", host_page, name="host_login"),
    path("accounts/kakao/login/", host_page, name="host_kakao"),
    path("accounts/", include("allauth.urls")),
]
allauth_first = [
    path("accounts/", include("allauth.urls")),
    path("accounts/login/", host_page, name="host_login"),
]
urlpatterns = host_first


class HostLoginAdapter(HostAdapter):
    login_page_views = frozenset({"host_login"})


def _urlconf(monkeypatch, settings, patterns) -> None:
    import sys
    import types

    module = types.ModuleType("host_urls")
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "host_urls", module)
    settings.ROOT_URLCONF = "host_urls"


def test_host_login_before_allauth_is_reported_with_the_hint(monkeypatch, settings) -> None:
    _urlconf(monkeypatch, settings, host_first)
    [warning] = check_allauth_urls()
    assert warning.id == "store.W003"
    assert "/accounts/login/ (account_login) is answered by host_login" in warning.msg
    assert "before" in warning.hint


def test_host_login_named_by_the_adapter_is_the_login_page(monkeypatch, settings) -> None:
    _urlconf(monkeypatch, settings, host_first)
    settings.STORE_HOST_ADAPTER = f"{__name__}.HostLoginAdapter"
    assert check_allauth_urls() == []


def test_shadowed_provider_login_is_an_error(monkeypatch, settings) -> None:
    _urlconf(monkeypatch, settings, host_first)
    [error] = check_provider_urls()
    assert error.id == "sociallogin.E005"
    assert "/accounts/kakao/login/ (kakao_login)" in error.msg


def test_allauth_first_and_the_demo_urls_are_clean(monkeypatch, settings) -> None:
    assert check_allauth_urls() == [] and check_provider_urls() == []  # config.urls
    _urlconf(monkeypatch, settings, allauth_first)
    assert check_allauth_urls() == [] and check_provider_urls() == []


def test_oscar_without_its_adapter_is_reported(monkeypatch, settings) -> None:
    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "oscar" or installed(name))
    settings.STORE_HOST_ADAPTER = None
    [warning] = check_host_adapter()
    assert warning.id == "store.W004"
    assert "OscarHostAdapter" in warning.hint
    settings.STORE_HOST_ADAPTER = "store.contrib.oscar.adapter.OscarHostAdapter"
    assert check_host_adapter() == []


def test_no_known_host_no_adapter_warning(settings) -> None:
    settings.STORE_HOST_ADAPTER = None
    assert check_host_adapter() == []


@pytest.mark.parametrize("debug", [True, False])
def test_per_process_cache_is_reported_also_in_debug(settings, debug: bool) -> None:
    settings.DEBUG = debug
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    [warning] = check_shared_cache()
    assert warning.id == "store.W002"
    assert "storeconfig import" in warning.msg
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert [w.id for w in check_shared_cache()] == ["store.W002"]


def test_shared_caches_are_not_reported(settings, tmp_path) -> None:
    for backend, location in (
        ("django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379"),
        ("django.core.cache.backends.filebased.FileBasedCache", str(tmp_path)),
        ("django.core.cache.backends.db.DatabaseCache", "cache_table"),
    ):
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location}}
        assert check_shared_cache() == []


def test_user_model_with_a_user_name_needs_no_allauth_settings() -> None:
    from store.checks import check_user_model

    assert check_user_model() == []
