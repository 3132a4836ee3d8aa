"""The demo's URL patterns less some of the plugin's ``include()``s, as a ``ROOT_URLCONF``
value (Django accepts an object with ``urlpatterns``): a host that left a module out."""

from __future__ import annotations

from typing import Any

from django.urls import URLResolver


class UrlConf:
    def __init__(self, urlpatterns: list[Any]) -> None:
        self.urlpatterns = urlpatterns


def included(pattern: Any) -> str:
    if not isinstance(pattern, URLResolver):
        return ""
    module = pattern.urlconf_name
    return str(getattr(module, "__name__", module))


def without(*modules: str) -> UrlConf:
    from config.urls import urlpatterns

    kept = [p for p in urlpatterns if included(p) not in modules]
    assert len(kept) == len(urlpatterns) - len(modules), [included(p) for p in urlpatterns]
    return UrlConf(kept)
