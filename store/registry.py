"""Small explicit registries other apps add to from their ``AppConfig.ready``.

- merge handlers: "what to move when customer B merges into customer A";
- take-over handlers: "what else opens this account", ended when the owner of its
  never-verified address takes it over (``store.services.takeover``);
- config sections: each app's part of ``storeconfig`` export/import;
- join channels: the readable name of each ``Customer.join_channel`` value (``store`` here,
  a provider id from the social-login app);
- password-login gates: "this request may not log in with a password" (Kakao only inside
  KakaoTalk), asked by password backends before a password leaves the shop;
- request guards: each app's part of ``store.middleware.StoreMiddleware``, which runs them in
  the order of ``store.middleware.GUARDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest, HttpResponse

MergeHandler = Callable[["AbstractBaseUser", "AbstractBaseUser"], dict[str, int]]
# (user, the proven address) -> what was ended, by kind: {"partner_links": 1}
TakeoverHandler = Callable[["AbstractBaseUser", str], dict[str, int]]
RequestHook = Callable[["HttpRequest"], "HttpResponse | None"]
ViewHook = Callable[["HttpRequest", Callable[..., Any], Any, Any], "HttpResponse | None"]
ResponseHook = Callable[["HttpRequest", "HttpResponse"], "HttpResponse"]
ExceptionHook = Callable[["HttpRequest", Exception], "HttpResponse | None"]


@dataclass(frozen=True)
class RequestGuard:
    """One app's work on every request; each hook has the signature of the Django
    middleware method of the same name (``process_request`` ...)."""

    name: str
    request: RequestHook | None = None
    view: ViewHook | None = None
    response: ResponseHook | None = None
    exception: ExceptionHook | None = None


class ConfigSection(Protocol):
    """One app's section of the store configuration."""

    name: str

    def export(self, *, with_secrets: bool) -> dict[str, Any]: ...

    def apply(self, data: dict[str, Any]) -> None:
        """Validate and save ``data``; raise ``store.config.ConfigError`` naming the key."""

    # Optional: ``validate_applied()`` runs after every section is applied, inside the same
    # transaction, for rules spanning sections; ``discard_cache()`` runs after a failed
    # import so that nothing read inside the rolled-back transaction stays cached.


_merge_handlers: dict[str, MergeHandler] = {}
_takeover_handlers: dict[str, TakeoverHandler] = {}
_config_sections: dict[str, ConfigSection] = {}
_join_channels: dict[str, Any] = {}
_password_login_gates: dict[str, Callable[[Any], bool]] = {}
_request_guards: dict[str, RequestGuard] = {}


def register_merge_handler(name: str, handler: MergeHandler) -> None:
    _merge_handlers[name] = handler


def merge_handlers() -> dict[str, MergeHandler]:
    return dict(_merge_handlers)


def register_takeover_handler(name: str, handler: TakeoverHandler) -> None:
    """``handler(user, address)`` ends what of the app's opens ``user`` (inside the take-over's
    transaction) and returns the counts, recorded for the admin."""
    _takeover_handlers[name] = handler


def takeover_handlers() -> dict[str, TakeoverHandler]:
    return dict(_takeover_handlers)


def register_config_section(section: ConfigSection) -> None:
    _config_sections[section.name] = section


def config_sections() -> dict[str, ConfigSection]:
    return dict(_config_sections)


def register_join_channel(value: str, label: Any) -> None:
    """``label``: a (lazily) translated name, e.g. ``gettext_lazy("Kakao")``."""
    _join_channels[value] = label


def join_channels() -> dict[str, Any]:
    return dict(_join_channels)


def join_channel_label(value: str) -> str:
    label = _join_channels.get(value)
    return str(label) if label is not None else value


def register_password_login_gate(name: str, refuses: Callable[[Any], bool]) -> None:
    """``refuses(request)``: True when this request may not log in with a password."""
    _password_login_gates[name] = refuses


def password_login_refused(request: Any) -> bool:
    return any(refuses(request) for refuses in _password_login_gates.values())


def register_request_guard(
    name: str,
    *,
    request: RequestHook | None = None,
    view: ViewHook | None = None,
    response: ResponseHook | None = None,
    exception: ExceptionHook | None = None,
) -> None:
    """``name``: ``"<app>.<guard>"``, as ``store.middleware.GUARDS`` lists it."""
    _request_guards[name] = RequestGuard(name, request, view, response, exception)


def request_guards() -> dict[str, RequestGuard]:
    return dict(_request_guards)
