"""``store.middleware.StoreMiddleware``: the one middleware a host adds, right after allauth's
``AccountMiddleware``.

Promises that every request passes through (a revoked session ends, Kakao only inside
KakaoTalk, ...) are kept by request guards that each app registers in its ``AppConfig.ready``
(``store.registry.register_request_guard``). The order they run in is :data:`GUARDS`, here,
not a host's ``MIDDLEWARE``: a host cannot leave one out or put two the wrong way round.
A guard of an app that is not installed is absent; a listed guard of an installed app that is
not registered would switch its promise off, so the checks report it (``store.E015``) and the
middleware refuses to load.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

from . import registry

PATH = "store.middleware.StoreMiddleware"

# Every phase (request, view, response, exception) runs the hooks of these guards top to
# bottom; the first request, view or exception hook that answers ends its phase.
GUARDS: tuple[str, ...] = (
    # A session established before its customer's credentials were revoked (a Kakao security
    # event, account deletion) ends first, so that no guard below and no view sees it.
    "keymap.revoked_sessions",
    # Inside KakaoTalk (the store's option on) only Kakao logs in or joins.
    "kakaosync.kakao_only_in_app",
    # Oscar's login and registration pages keep the promises above; a user-ID session's
    # Oscar basket is its own anonymous one.
    "store_oscar.oscar_views",
    # A customer lacking a mandatory consent (a new term or version of the store's, a Kakao
    # Sync term added later) agrees before any POST: one guard, one page, one JSON answer.
    # (It replaced "kakaosync.required_terms", which asked Kakao's terms on its own.)
    "store.required_consents",
    # A user-ID-only session opens an allow-list of views; a service's WeakLogin sends it on
    # to the stronger login.
    "keymap.user_id_session",
    # An unexpected error in a provider's login or callback view is a login error page.
    "sociallogin.provider_errors",
    # The provider this browser last logged in with is written in a cookie on the response.
    "sociallogin.last_used",
)


def app_of(guard: str) -> str:
    """The app that registers ``guard`` (``"keymap.revoked_sessions"`` → ``"keymap"``)."""
    return guard.rpartition(".")[0]


def unregistered_guards() -> list[str]:
    """Listed guards whose app is installed but did not register them."""
    registered = registry.request_guards()
    return [name for name in GUARDS if name not in registered and apps.is_installed(app_of(name))]


def unlisted_guards() -> list[str]:
    """Registered guards that :data:`GUARDS` does not name: they would never run."""
    return [name for name in registry.request_guards() if name not in GUARDS]


def guard_problems() -> list[str]:
    return [
        f"{name} is not registered by the {app_of(name)} app" for name in unregistered_guards()
    ] + [f"{name} is registered but not listed in {__name__}.GUARDS" for name in unlisted_guards()]


def installed_guards() -> list[registry.RequestGuard]:
    """The registered guards, in the order of :data:`GUARDS`."""
    registered = registry.request_guards()
    return [registered[name] for name in GUARDS if name in registered]


class StoreMiddleware(MiddlewareMixin):
    """Runs the installed apps' request guards in the order of :data:`GUARDS`."""

    def __init__(self, get_response: Any) -> None:
        problems = guard_problems()
        if problems:
            raise ImproperlyConfigured(
                f"{PATH} cannot keep the shop's promises: " + "; ".join(problems) + "."
            )
        super().__init__(get_response)
        # Resolved once per process: a request only walks these tuples.
        guards = installed_guards()
        self._on_request = tuple(g.request for g in guards if g.request is not None)
        self._on_view = tuple(g.view for g in guards if g.view is not None)
        self._on_response = tuple(g.response for g in guards if g.response is not None)
        self._on_exception = tuple(g.exception for g in guards if g.exception is not None)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        for hook in self._on_request:
            if (response := hook(request)) is not None:
                return response
        return None

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        for hook in self._on_view:
            if (response := hook(request, view_func, view_args, view_kwargs)) is not None:
                return response
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        for hook in self._on_response:
            response = hook(request, response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        for hook in self._on_exception:
            if (response := hook(request, exception)) is not None:
                return response
        return None


def installed() -> bool:
    """Whether ``MIDDLEWARE`` holds :class:`StoreMiddleware` (or a subclass)."""
    return any(_is_subclass(entry, StoreMiddleware) for entry in settings.MIDDLEWARE)


def _is_subclass(path: str, cls: type) -> bool:
    try:
        found = import_string(path)
    except ImportError:
        return False
    return isinstance(found, type) and issubclass(found, cls)


class RetiredMiddleware:
    """A middleware whose work ``StoreMiddleware`` does now.

    It stays importable, so that a host that upgrades meets check ``store.E014`` naming it
    rather than an ``ImportError`` at start-up, and it does nothing (Django drops a middleware
    that raises ``MiddlewareNotUsed``), so that no guard runs twice.
    """

    def __init__(self, get_response: Any) -> None:
        cls = type(self)
        raise MiddlewareNotUsed(retired_message(f"{cls.__module__}.{cls.__qualname__}"))


def retired_message(path: str) -> str:
    return f"{path} is retired: remove it; {PATH} runs it."
