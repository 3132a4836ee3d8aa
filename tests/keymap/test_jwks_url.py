"""``/.well-known/jwks.json``: the shop's and allauth's identity provider's keys, one path."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from django.urls import include, path

from keymap.checks import check_jwks_url


def _urlconf(monkeypatch: Any, settings: Any, patterns: list[Any]) -> None:
    module = types.ModuleType("jwks_host_urls")
    module.urlpatterns = patterns  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "jwks_host_urls", module)
    settings.ROOT_URLCONF = "jwks_host_urls"


@pytest.mark.parametrize(
    "first,second,shadowed",
    [
        ("allauth.idp.urls", "keymap.api_urls", "keymap_jwks"),
        ("keymap.api_urls", "allauth.idp.urls", "idp:oidc:jwks"),
    ],
)
def test_the_second_jwks_pattern_is_an_error(
    monkeypatch: Any, settings: Any, first: str, second: str, shadowed: str
) -> None:
    _urlconf(monkeypatch, settings, [path("", include(first)), path("", include(second))])
    [error] = check_jwks_url()
    assert error.id == "keymap.E006"
    assert f"/.well-known/jwks.json ({shadowed}) is answered by" in error.msg


def test_separate_paths_and_the_demo_are_clean(monkeypatch: Any, settings: Any) -> None:
    assert check_jwks_url() == []  # config.urls: no identity provider
    _urlconf(
        monkeypatch,
        settings,
        [path("", include("allauth.idp.urls")), path("shop/", include("keymap.api_urls"))],
    )
    assert check_jwks_url() == []
