"""System checks of the shop core (ids ``store.E…``/``store.W…``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from . import users
from .app_settings import app_settings


def check_secrets_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from cryptography.fernet import Fernet

    from .crypto import _fernet_key

    key = app_settings.SECRETS_KEY
    if not key.strip():
        if settings.DEBUG:
            return [
                Warning(
                    "STORE_SECRETS_KEY is not set; secrets at rest use a key derived from "
                    "SECRET_KEY, which is only acceptable for development.",
                    hint="Set STORE_SECRETS_KEY to the output of "
                    "`python manage.py store_secrets_key` (a new Fernet key).",
                    id="store.W001",
                )
            ]
        return [
            Error(
                "STORE_SECRETS_KEY is not set: provider secrets, admin keys and webhook "
                "secrets cannot be stored encrypted.",
                hint="Set STORE_SECRETS_KEY in your settings or environment to the output "
                "of `python manage.py store_secrets_key` (a new Fernet key). Several "
                "comma-separated keys allow rotation; the first one encrypts.",
                id="store.E001",
            )
        ]
    try:
        for part in key.split(","):
            if part.strip():
                Fernet(_fernet_key(part))
    except ValueError as exc:  # pragma: no cover - _fernet_key always yields a valid key
        return [Error(f"STORE_SECRETS_KEY is not usable: {exc}", id="store.E002")]
    return []


def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``store.W002``, also in DEBUG: a second process (``manage.py storeconfig import``, a
    second app server) cannot reach settings that running servers keep in their own memory."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The default cache (LocMemCache) lives inside each process: settings changed "
                "by `manage.py storeconfig import` or saved on another app server do not "
                "reach running servers until their cache entries expire "
                "(STORE_SETTINGS_CACHE_TIMEOUT), and rate limits count per process.",
                hint="Use a cache every process shares: Redis (RedisCache), or for one "
                "machine FileBasedCache or DatabaseCache.",
                id="store.W002",
            )
        ]
    if backend.endswith("DummyCache"):
        return [
            Warning(
                "The default cache (DummyCache) keeps nothing: every request reads the store "
                "settings from the database and rate limits never count.",
                hint="Use a cache every process shares: Redis (RedisCache), or for one "
                "machine FileBasedCache or DatabaseCache.",
                id="store.W002",
            )
        ]
    return []


def shadowed_urls(names: Any) -> list[tuple[str, str, str]]:
    """``(name, path, view that answers)`` for each URL name whose path resolves to another
    view (an earlier pattern of the host claims it). Unmounted names are left out."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    found = []
    for name in names:
        try:
            path = reverse(name)
            match = resolve(path)
        except (NoReverseMatch, Resolver404):
            continue
        if match.view_name != name:
            found.append((name, path, match.view_name or match._func_path))
    return found


def check_allauth_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``store.W003``: allauth's login or logout page is answered by another view (URL
    order), unless the host adapter names that view as the shop's own login/logout page."""
    from .host import get_host_adapter

    stand_ins = get_host_adapter().login_page_views
    return [
        Warning(
            f"{path} ({name}) is answered by {view}, not by django-allauth: the host's URL "
            "patterns come first and shadow allauth's page.",
            hint="Mount allauth's URLs (include('allauth.urls')) before the shop's own "
            "account URLs, or, when the host's page is meant to be the login page, name it "
            "in the host adapter's login_page_views (it then shows the provider buttons "
            'with {% include "sociallogin/host_login.html" %}).',
            id="store.W003",
        )
        for name, path, view in shadowed_urls(("account_login", "account_logout"))
        if view not in stand_ins
    ]


def check_host_adapter(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``store.W004``: a known host shop is installed but the default adapter is in use."""
    from django.apps import apps

    from .host import DEFAULT_HOST_ADAPTER, host_adapter_path

    if host_adapter_path() != DEFAULT_HOST_ADAPTER or not apps.is_installed("oscar"):
        return []
    return [
        Warning(
            "django-oscar is installed but STORE_HOST_ADAPTER is not set: welcome "
            "benefits, merging and account deletion use the plugin's built-in commerce and "
            "ignore Oscar's vouchers, baskets, orders and addresses.",
            hint='Add "store.contrib.oscar" before "oscar.config.Shop" in INSTALLED_APPS and '
            'set STORE_HOST_ADAPTER = "store.contrib.oscar.adapter.OscarHostAdapter".',
            id="store.W004",
        )
    ]


# What StoreMiddleware reads from the middlewares before it, each with why.
NEEDED_BEFORE = (
    ("django.contrib.sessions.middleware.SessionMiddleware", "the session"),
    ("django.contrib.auth.middleware.AuthenticationMiddleware", "request.user"),
    ("django.contrib.messages.middleware.MessageMiddleware", "messages"),
    (
        "allauth.account.middleware.AccountMiddleware",
        "allauth's request context, and allauth's ImmediateHttpResponse turned into the response",
    ),
)


def check_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``store.E010`` to ``store.E016``: StoreMiddleware installed once, after what it needs,
    with every guard of the installed apps registered, and no retired middleware left."""
    from .middleware import (
        GUARDS,
        PATH,
        RetiredMiddleware,
        StoreMiddleware,
        app_of,
        retired_message,
        unlisted_guards,
        unregistered_guards,
    )

    loaded = [(entry, _import_or_none(entry)) for entry in settings.MIDDLEWARE]
    messages: list[CheckMessage] = [
        Error(
            retired_message(entry),
            hint=f"Remove {entry!r} from MIDDLEWARE; keep one {PATH!r}, right after "
            "'allauth.account.middleware.AccountMiddleware'.",
            id="store.E014",
        )
        for entry, found in loaded
        if isinstance(found, type) and issubclass(found, RetiredMiddleware)
    ]
    positions = [
        index
        for index, (_entry, found) in enumerate(loaded)
        if isinstance(found, type) and issubclass(found, StoreMiddleware)
    ]
    if not positions:
        messages.insert(
            0,
            Error(
                f"{PATH} is not in MIDDLEWARE: no request guard runs (revoked sessions stay "
                "open; the Kakao-only policy inside KakaoTalk, required terms added later and "
                "the user-ID allow-list are not enforced).",
                hint=f"Add {PATH!r} to MIDDLEWARE right after "
                "'allauth.account.middleware.AccountMiddleware'.",
                id="store.E010",
            ),
        )
    elif len(positions) > 1:
        messages.append(
            Error(
                f"{PATH} is in MIDDLEWARE {len(positions)} times: its guards would run twice.",
                hint="Keep one, right after 'allauth.account.middleware.AccountMiddleware'.",
                id="store.E011",
            )
        )
    if positions:
        ours = positions[0]
        for needed, why in NEEDED_BEFORE:
            target = _import_or_none(needed)
            where = [i for i, (_e, found) in enumerate(loaded) if _is(found, target)]
            if not where:
                messages.append(
                    Error(
                        f"{needed} is not in MIDDLEWARE: {PATH} needs {why}.",
                        hint=f"Add {needed!r} to MIDDLEWARE before {PATH!r}.",
                        id="store.E013",
                    )
                )
            elif where[0] > ours:
                messages.append(
                    Error(
                        f"{PATH} comes before {needed} in MIDDLEWARE: it needs {why}.",
                        hint=f"Move {PATH!r} after {needed!r} (right after allauth's "
                        "AccountMiddleware).",
                        id="store.E012",
                    )
                )
    messages += [
        Error(
            f"The request guard {name} is listed in store.middleware.GUARDS but the "
            f"{app_of(name)} app did not register it: its promise would not be kept.",
            hint=f"Register it in the {app_of(name)} app's AppConfig.ready() with "
            f"store.registry.register_request_guard({name!r}, ...).",
            id="store.E015",
        )
        for name in unregistered_guards()
    ]
    messages += [
        Error(
            f"The request guard {name} is registered but store.middleware.GUARDS does not "
            "list it: it would never run.",
            hint=f"List it in store.middleware.GUARDS (one of: {', '.join(GUARDS)}), or "
            "register it under its listed name.",
            id="store.E016",
        )
        for name in unlisted_guards()
    ]
    return messages


def _import_or_none(path: str) -> Any:
    from django.utils.module_loading import import_string

    try:
        return import_string(path)
    except ImportError:
        return None  # Django's own start-up names a middleware it cannot import


def _is(found: Any, target: Any) -> bool:
    if found is None or target is None:
        return False
    if isinstance(found, type) and isinstance(target, type):
        return issubclass(found, target)
    return bool(found is target)


def check_user_model(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``store.E020``: allauth's user name settings agree with the host's user model.

    allauth assumes a ``username`` field; on a model without one its login page is a 500
    (``FieldDoesNotExist``) until three settings say so. Every one still missing is named.
    """
    from allauth.account import app_settings as account_settings

    name = account_settings.USER_MODEL_USERNAME_FIELD
    if not name or users.has_field(name):
        return []
    model = users.model()._meta.label
    needed = [
        ("ACCOUNT_USER_MODEL_USERNAME_FIELD = None", True),
        ('ACCOUNT_LOGIN_METHODS = {"email"}', "username" in account_settings.LOGIN_METHODS),
        (
            "ACCOUNT_SIGNUP_FIELDS without 'username*' "
            '(e.g. ["email*", "password1*", "password2*"])',
            "username" in account_settings.SIGNUP_FIELDS,
        ),
    ]
    return [
        Error(
            f"The user model {model} has no field {name!r}, which allauth logs in and "
            "signs up with.",
            hint=f"Set {setting} in settings.",
            id="store.E020",
        )
        for setting, missing in needed
        if missing
    ]


def unmounted_urls(names: Any) -> list[str]:
    """The URL names of ``names`` that do not reverse: their ``urls`` module is not included
    in ``ROOT_URLCONF`` (a promise's page or webhook would be a 404, or a 500 where the plugin
    redirects to it)."""
    from django.urls import NoReverseMatch, reverse

    missing = []
    for name in names:
        try:
            reverse(name)
        except NoReverseMatch:
            missing.append(name)
    return missing


def check_urls(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``store.E021``: the account deletion page (tombstones, unlinking at Kakao, the host's
    erasure) is not mounted; the account pages link to it. ``store.E023``: a login lands
    on a page that does not exist."""
    messages = _login_redirect()
    if not unmounted_urls(["store:delete_account"]):
        return messages
    return [
        *messages,
        Error(
            "store.urls is not included in ROOT_URLCONF: customers cannot delete their "
            "account with the plugin's deletion (tombstone, unlinking at Kakao, the host "
            "adapter's erasure), and pages that link to it fail.",
            hint='Add path("", include("store.urls")) to urlpatterns (it serves /account/delete/).',
            id="store.E021",
        ),
    ]


CONTEXT_PROCESSOR = "store.context_processors.store"


def check_context_processor(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``store.E022``: the store context processor is missing from Django's template engine:
    allauth's and the plugin's pages lose the host's base template, the store's name and
    the links back to the shop."""
    engines: list[dict[str, Any]] = [
        engine
        for engine in settings.TEMPLATES
        if engine.get("BACKEND") == "django.template.backends.django.DjangoTemplates"
    ]
    options: list[dict[str, Any]] = [engine.get("OPTIONS", {}) for engine in engines]
    if any(CONTEXT_PROCESSOR in option.get("context_processors", []) for option in options):
        return []
    return [
        Error(
            f"{CONTEXT_PROCESSOR} is not in TEMPLATES' context_processors: allauth's and the "
            "plugin's pages (login, Kakao only, proof of ownership, stronger login) are shown "
            "outside the shop's own base template, without the store's name.",
            hint='Add it: TEMPLATES[0]["OPTIONS"]["context_processors"] += '
            f'["{CONTEXT_PROCESSOR}"].',
            id="store.E022",
        )
    ]


def _login_redirect() -> list[CheckMessage]:
    """``store.E023``: ``LOGIN_REDIRECT_URL`` (a URL name or a path of this site) answers
    404, as Django's default ``/accounts/profile/`` does on a shop that has no such page:
    every login, social or not, would end on "Page not found"."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    target = str(getattr(settings, "LOGIN_REDIRECT_URL", "") or "")
    if not target or "://" in target or target.startswith("//"):
        return []  # another site's page: not ours to resolve
    try:
        path = target if target.startswith("/") else reverse(target)
        resolve(path.split("?", 1)[0])
    except (NoReverseMatch, Resolver404):
        return [
            Error(
                f"LOGIN_REDIRECT_URL is {target!r}, which no view of ROOT_URLCONF answers: "
                "every login would land on a 404 page.",
                hint="Set LOGIN_REDIRECT_URL to a page of your shop (a URL name or a path), "
                'e.g. LOGIN_REDIRECT_URL = "/".',
                id="store.E023",
            )
        ]
    return []
