"""What every provider module builds on: the catalogue entry's shape, the checks of a
provider's answer, the readers of its profile values, and the mixin every provider class
adds to allauth's.

Every provider's answer is untrusted: an answer without a user ID or with wrong types
becomes a ``ProviderException`` (allauth shows it as a login error, not a server error),
and a profile value of the wrong type is dropped, never trusted.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from allauth.socialaccount.providers.base import ProviderException
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

from store import profile_values

from .. import registry

# The store fields found in a provider's user answer (a JSON object), falsy when unknown.
ProfileReader = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: Promise | str
    client_id_label: Promise | str
    secret_label: Promise | str
    # Model fields that must be filled when the provider is ON.
    required_credentials: tuple[str, ...]
    button_bg: str
    button_fg: str
    console_url: str
    # Real origins of its endpoints (authorize, token, user, keys), for pointing them elsewhere.
    origins: tuple[str, ...]
    # allauth's provider class with the shop's additions (``ShopProviderMixin``).
    provider_class: type[ShopProviderMixin]
    read_profile: ProfileReader
    extra_fields: tuple[str, ...] = field(default=())
    # The whole label, not "Continue with %(name)s": Korean picks 로/으로 by the name.
    login_label: Promise | str = ""


class ShopProviderMixin:
    """What every provider of the shop adds to allauth's.

    - the authorize redirect carries the parameters other apps registered
      (``registry.register_auth_params``) and goes to the sandbox when endpoints are mapped;
    - the provider's answer is checked (``validate_response``) before allauth reads it;
    - where allauth trusts an email more than the provider vouches for it, the provider
      module overrides ``extract_email_addresses``.
    """

    id: str

    def validate_response(self, data: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> Any:
        self.validate_response(response)
        return super().sociallogin_from_response(request, response)  # type: ignore[misc]

    def get_auth_params_from_request(self, request: HttpRequest, action: Any) -> dict[str, Any]:
        params = dict(super().get_auth_params_from_request(request, action))  # type: ignore[misc]
        params.update(registry.auth_params(self.id, request))
        return params

    def redirect(self, request: HttpRequest, process: Any, *args: Any, **kwargs: Any) -> Any:
        response: HttpResponse = super().redirect(  # type: ignore[misc]
            request, process, *args, **kwargs
        )
        location = response.get("Location") if hasattr(response, "get") else None
        if location:
            response["Location"] = registry.rewrite_url(location)
        return response


# --- checks of the answer (raise ProviderException) --------------------------------------


def require_uid(data: Any, *keys: str, numeric: bool = False) -> None:
    if not isinstance(data, dict):
        raise ProviderException("the provider's user answer is not a JSON object")
    for key in keys:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ProviderException(f"the provider's user ID ({key}) has a wrong type")
        if numeric and not (isinstance(value, int) or str(value).isdigit()):
            raise ProviderException(f"the provider's user ID ({key}) is not a number")
        if str(value).strip():
            return
    raise ProviderException("the provider's user answer has no user ID")


def require_dicts(data: dict[str, Any], *paths: tuple[str, ...]) -> None:
    for path in paths:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                break
        if node is not None and not isinstance(node, dict):
            raise ProviderException(f"the provider's answer has a wrong type at {'.'.join(path)}")


def require_strings(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ProviderException(f"the provider's answer has a wrong type at {key}")


# --- readers of profile values (a wrong type reads as "unknown") -------------------------


def text(value: Any, limit: int = 200) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def gender(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return profile_values.gender(value) or ""


def birth_date(year: Any, month_day: Any) -> datetime.date | None:
    # Providers send the year apart from "MMDD" or "MM-DD".
    year_s, md = text(year), re.sub(r"\D", "", text(month_day))
    if not (year_s.isdigit() and len(year_s) == 4 and len(md) == 4):
        return None
    return profile_values.date(year_s + md)


def phone(value: Any) -> str:
    number = text(value, 30)
    # Kakao gives "+82 10-1234-5678"; the shop keeps the domestic form.
    if number.startswith("+82"):
        number = "0" + number[3:].strip()
    return number if re.fullmatch(r"[0-9+\- ]{8,30}", number) else ""


def name_and_email(data: dict[str, Any]) -> dict[str, Any]:
    """The OpenID-style answer (Google, Facebook, Apple): a name and an email."""
    raw_name = data.get("name")
    if isinstance(raw_name, dict):
        # Apple sends the name once, in the form post: {"firstName", "lastName"}.
        parts = (text(raw_name.get("lastName")), text(raw_name.get("firstName")))
        raw_name = " ".join(p for p in reversed(parts) if p)
    name = text(raw_name)
    if not name:
        name = " ".join(
            p for p in (text(data.get("given_name")), text(data.get("family_name"))) if p
        )
    return {"name": name, "email": text(data.get("email"))}
