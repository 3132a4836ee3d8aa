"""Extension points other apps use to shape social login (call them in ``AppConfig.ready``).

Stable names; ``kakaosync`` and ``keymap`` rely on them.

**Endpoints.** allauth's provider adapters hard-code their hosts. Every server-to-server
call allauth makes goes through ``SocialAccountAdapter.get_requests_session()`` and every
browser redirect to a provider goes through our provider classes, so both rewrite the
origin of a URL through one map, built from:

- ``settings.SOCIALLOGIN_SANDBOX_URL``: every provider to the providers sandbox
  (``python -m devtools.sandboxes.providers``, not shipped), ``/kakao``, ``/naver``...;
- ``settings.SOCIALLOGIN_PROVIDER_ENDPOINTS`` (``{"naver": {"https://nid.naver.com":
  "http://127.0.0.1:9100"}}``), read on each use, so tests may override it;
- ``set_endpoint(provider_id, real_origin, replacement_origin)``, for an app that owns a
  provider's host settings (``kakaosync`` sets Kakao's from ``KAKAOSYNC_AUTH_BASE_URL`` and
  ``KAKAOSYNC_API_BASE_URL``). Registered values win over the sandbox URL;
  ``SOCIALLOGIN_PROVIDER_ENDPOINTS`` wins over both.

``rewrite_url(url)`` applies the map (unknown origins pass unchanged).

**Authorize parameters.** ``register_auth_params(provider_id, fn)`` with
``fn(request) -> dict[str, str]``: extra query parameters for that provider's authorize
redirect (Kakao Sync: ``service_terms``, ``channel_public_id``, ``prompt``). Functions run
in registration order; later ones override earlier keys. A function may also read
``request.GET``.

**Provider filter.** ``register_provider_filter(fn)`` with
``fn(request, provider_ids: list[str]) -> list[str]``: narrows which of the enabled
providers are offered (login page buttons) and accepted (login and callback URLs) for this
request, e.g. "only Kakao inside KakaoTalk's in-app browser". Filters can only remove
providers; the age restriction of the store is applied before them.

**Switch-off notes.** ``register_switch_off_note(provider_id, fn)`` with
``fn() -> str | None``: what else stops when the admin switches that provider off (Kakao
Sync without Kakao login); the admin shows each note as a warning after saving.

**Provider classes.** ``provider_class(provider_id)`` is the class the adapter
instantiates for a provider (its module in ``sociallogin.providers``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .app_settings import app_settings

if TYPE_CHECKING:
    from django.http import HttpRequest

AuthParamsFn = Callable[["HttpRequest"], dict[str, str]]
ProviderFilter = Callable[["HttpRequest", list[str]], list[str]]

_endpoints: dict[str, dict[str, str]] = {}
_auth_params: dict[str, list[AuthParamsFn]] = {}
_provider_filters: list[ProviderFilter] = []
_switch_off_notes: dict[str, list[Callable[[], str | None]]] = {}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


# --- endpoints -------------------------------------------------------------------------


def set_endpoint(provider_id: str, real_origin: str, replacement_origin: str) -> None:
    """Send what ``provider_id`` addresses to ``real_origin`` to ``replacement_origin``."""
    real, replacement = _origin(real_origin), replacement_origin.rstrip("/")
    if real == _origin(replacement):
        _endpoints.get(provider_id, {}).pop(real, None)
        return
    _endpoints.setdefault(provider_id, {})[real] = replacement


def endpoint_map() -> dict[str, str]:
    """Real origin -> replacement, over all providers (settings win)."""
    merged: dict[str, str] = {}
    if app_settings.SANDBOX_URL:
        # Imported here: the provider classes import this module.
        from .providers import PROVIDERS

        # The sandbox serves each provider under its own path: /kakao, /naver, ...
        for info in PROVIDERS.values():
            merged.update(
                {origin: f"{app_settings.SANDBOX_URL}/{info.id}" for origin in info.origins}
            )
    for mapping in _endpoints.values():
        merged.update(mapping)
    for mapping in app_settings.PROVIDER_ENDPOINTS.values():
        for real, replacement in (mapping or {}).items():
            merged[_origin(real)] = str(replacement).rstrip("/")
    return merged


def rewrite_url(url: str, mapping: dict[str, str] | None = None) -> str:
    """``url`` with its origin replaced when the map names it; else unchanged."""
    mapping = endpoint_map() if mapping is None else mapping
    if not mapping:
        return url
    replacement = mapping.get(_origin(url))
    if replacement is None:
        return url
    parts = urlsplit(url)
    new = urlsplit(replacement)
    path = new.path.rstrip("/") + parts.path
    return urlunsplit((new.scheme, new.netloc, path, parts.query, parts.fragment))


# --- authorize parameters --------------------------------------------------------------


def register_auth_params(provider_id: str, fn: AuthParamsFn) -> None:
    fns = _auth_params.setdefault(provider_id, [])
    if fn not in fns:
        fns.append(fn)


def auth_params(provider_id: str, request: HttpRequest) -> dict[str, str]:
    params: dict[str, str] = {}
    for fn in _auth_params.get(provider_id, []):
        params.update({str(k): str(v) for k, v in (fn(request) or {}).items()})
    return params


# --- provider filters ------------------------------------------------------------------


def register_provider_filter(fn: ProviderFilter) -> None:
    if fn not in _provider_filters:
        _provider_filters.append(fn)


def filter_providers(request: HttpRequest | None, provider_ids: list[str]) -> list[str]:
    """Apply every registered filter; a filter can only remove providers."""
    allowed = list(provider_ids)
    if request is None:
        return allowed
    for fn in _provider_filters:
        kept = set(fn(request, list(allowed)))
        allowed = [p for p in allowed if p in kept]
    return allowed


# --- switch-off notes ------------------------------------------------------------------


def register_switch_off_note(provider_id: str, fn: Callable[[], str | None]) -> None:
    fns = _switch_off_notes.setdefault(provider_id, [])
    if fn not in fns:
        fns.append(fn)


def switch_off_notes(provider_id: str) -> list[str]:
    """What the registered apps say stops along with ``provider_id``."""
    return [note for fn in _switch_off_notes.get(provider_id, []) if (note := fn())]


# --- provider classes ------------------------------------------------------------------


def provider_class(provider_id: str) -> type[Any] | None:
    from .providers import PROVIDERS

    info = PROVIDERS.get(provider_id)
    return info.provider_class if info is not None else None
