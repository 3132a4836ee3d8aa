"""One middleware: ``StoreMiddleware`` runs the installed apps' request guards in the order
``store`` keeps, and ``manage.py check`` fails closed when it is missing, misplaced, joined by
a retired middleware, or when a listed guard is not registered."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import ERROR, CheckMessage, run_checks
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpResponse
from django.test import Client
from django.utils.module_loading import import_string

from store import middleware, registry
from store.middleware import PATH, StoreMiddleware

SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
MESSAGES = "django.contrib.messages.middleware.MessageMiddleware"
ACCOUNT = "allauth.account.middleware.AccountMiddleware"
RETIRED = [
    "sociallogin.middleware.ProviderErrorMiddleware",
    "sociallogin.last_used.LastUsedProviderMiddleware",
    "kakaosync.middleware.KakaoInAppBrowserMiddleware",
    "kakaosync.middleware.KakaoRequiredTermsMiddleware",
    "keymap.middleware.RevokedSessionMiddleware",
    "keymap.middleware.UserIdSessionMiddleware",
]
# A check of sociallogin reads the database even without --database.
pytestmark = pytest.mark.django_db


def _errors() -> list[CheckMessage]:
    """The middleware's check Errors (``store.E01x``)."""
    return [m for m in run_checks() if m.id and m.id.startswith("store.E01")]


def _without_ours(settings: Any) -> list[str]:
    return [m for m in settings.MIDDLEWARE if m != PATH]


def test_the_demo_settings_pass() -> None:
    assert _errors() == []


def test_check_fails_when_store_middleware_is_missing(settings: Any) -> None:
    settings.MIDDLEWARE = _without_ours(settings)
    with pytest.raises(SystemCheckError, match=r"store\.E010"):
        call_command("check")
    (error,) = _errors()
    assert error.level == ERROR and PATH in error.hint and ACCOUNT in error.hint


@pytest.mark.parametrize("needed", [SESSION, AUTH, MESSAGES, ACCOUNT])
def test_check_fails_when_it_comes_before_what_it_needs(settings: Any, needed: str) -> None:
    listed = _without_ours(settings)
    listed.insert(listed.index(needed), PATH)
    settings.MIDDLEWARE = listed
    with pytest.raises(SystemCheckError, match=r"store\.E012"):
        call_command("check")
    errors = _errors()  # one for each middleware it now comes before, this one among them
    assert {e.id for e in errors} == {"store.E012"}
    assert [e for e in errors if needed in e.msg]


def test_check_fails_when_what_it_needs_is_missing(settings: Any) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != ACCOUNT]
    assert [(e.id, ACCOUNT in e.msg) for e in _errors()] == [("store.E013", True)]


def test_check_fails_when_it_is_listed_twice(settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, PATH]
    assert [e.id for e in _errors()] == ["store.E011"]


@pytest.mark.parametrize("retired", RETIRED)
def test_check_names_each_retired_middleware_and_its_successor(settings: Any, retired: str) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, retired]
    with pytest.raises(SystemCheckError, match=r"store\.E014"):
        call_command("check")
    (error,) = _errors()
    assert error.id == "store.E014"
    assert error.msg == f"{retired} is retired: remove it; {PATH} runs it."


def test_every_retired_middleware_is_reported_not_only_the_first(settings: Any) -> None:
    settings.MIDDLEWARE = _without_ours(settings) + RETIRED
    errors = _errors()
    assert [e.id for e in errors] == ["store.E010"] + ["store.E014"] * len(RETIRED)
    assert [e.msg.split()[0] for e in errors[1:]] == RETIRED


@pytest.mark.parametrize("retired", RETIRED)
def test_a_retired_middleware_imports_and_does_nothing(retired: str) -> None:
    with pytest.raises(MiddlewareNotUsed, match="StoreMiddleware runs it"):
        import_string(retired)(lambda request: HttpResponse())


def test_a_host_that_still_lists_them_starts_and_nothing_runs_twice(settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, *RETIRED]
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    loaded = [type(hook.__self__) for hook in client.handler._view_middleware]
    assert loaded.count(StoreMiddleware) == 1
    assert not {import_string(path) for path in RETIRED} & set(loaded)


def test_a_listed_guard_that_is_not_registered_fails_closed(monkeypatch: Any) -> None:
    monkeypatch.delitem(registry._request_guards, "keymap.revoked_sessions")
    errors = _errors()
    assert [e.id for e in errors] == ["store.E015"] and "keymap.revoked_sessions" in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match=r"keymap\.revoked_sessions"):
        StoreMiddleware(lambda request: HttpResponse())


def test_a_guard_registered_under_a_name_the_order_lacks_fails_closed(monkeypatch: Any) -> None:
    monkeypatch.setattr(registry, "_request_guards", dict(registry._request_guards))
    guard = registry._request_guards.pop("store.required_consents")
    registry.register_request_guard("store.consents_renamed", view=guard.view)
    assert [e.id for e in _errors()] == ["store.E015", "store.E016"]
    with pytest.raises(ImproperlyConfigured, match=r"store\.consents_renamed"):
        StoreMiddleware(lambda request: HttpResponse())


def test_a_guard_of_an_app_that_is_not_installed_is_simply_absent(monkeypatch: Any) -> None:
    monkeypatch.setattr(middleware, "GUARDS", (*middleware.GUARDS, "notinstalled.guard"))
    assert _errors() == []
    StoreMiddleware(lambda request: HttpResponse())


def test_the_guards_run_in_the_order_store_keeps() -> None:
    from kakaosync.middleware import kakao_only_in_app
    from keymap.middleware import end_revoked_session, user_id_session_view, weak_login_exception
    from sociallogin.last_used import set_last_used_cookie
    from sociallogin.middleware import provider_error_page
    from store.consent_views import required_consents_first

    ours = StoreMiddleware(lambda request: HttpResponse())
    assert ours._on_request == (end_revoked_session,)
    assert ours._on_view == (
        kakao_only_in_app,
        required_consents_first,
        user_id_session_view,
    )
    assert ours._on_response == (set_last_used_cookie,)
    assert ours._on_exception == (weak_login_exception, provider_error_page)
