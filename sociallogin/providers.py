"""allauth's six providers, as this shop serves them.

Each class is allauth's own provider with three additions:

- the authorize redirect carries the parameters other apps registered
  (``registry.register_auth_params``) and goes to the sandbox when endpoints are mapped;
- the provider's answer is checked before allauth reads it (an answer without an ID or
  with wrong types becomes a ``ProviderException``, which allauth shows as a login error
  instead of a server error);
- an email counts as verified only when the provider says so in a way we trust (Kakao:
  ``is_email_verified`` and ``is_email_valid``; Naver's blanket flag is not enough).
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.apple.provider import AppleProvider as _Apple
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.facebook.provider import FacebookProvider as _Facebook
from allauth.socialaccount.providers.google.provider import GoogleProvider as _Google
from allauth.socialaccount.providers.kakao.provider import KakaoProvider as _Kakao
from allauth.socialaccount.providers.line.provider import LineProvider as _Line
from allauth.socialaccount.providers.naver.provider import NaverProvider as _Naver
from django.http import HttpRequest, HttpResponse

from . import registry


def _require_uid(data: Any, *keys: str, numeric: bool = False) -> None:
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


def _require_dicts(data: dict[str, Any], *paths: tuple[str, ...]) -> None:
    for path in paths:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                break
        if node is not None and not isinstance(node, dict):
            raise ProviderException(f"the provider's answer has a wrong type at {'.'.join(path)}")


def _require_strings(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ProviderException(f"the provider's answer has a wrong type at {key}")


class ShopProviderMixin:
    """What every provider of the shop adds to allauth's (see the module docstring)."""

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


class KakaoProvider(ShopProviderMixin, _Kakao):
    def validate_response(self, data: Any) -> None:
        _require_uid(data, "id", numeric=True)
        _require_dicts(data, ("kakao_account",), ("kakao_account", "profile"), ("properties",))
        _require_strings(data.get("kakao_account") or {}, "email", "name", "phone_number")

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        account = data.get("kakao_account") or {}
        email = account.get("email")
        if not email:
            return []
        # Kakao: an address stays "verified" after another account took it over; only
        # is_email_valid says it still belongs to this user.
        verified = (
            account.get("is_email_verified") is True and account.get("is_email_valid") is True
        )
        return [EmailAddress(email=email, verified=verified, primary=True)]


class NaverProvider(ShopProviderMixin, _Naver):
    def validate_response(self, data: Any) -> None:
        _require_uid(data, "id")
        _require_strings(data, "email", "name", "nickname", "mobile", "birthday", "birthyear")

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        # allauth marks every Naver address verified; Naver does not say so, so we don't.
        email = data.get("email")
        return [EmailAddress(email=email, verified=False, primary=True)] if email else []


class GoogleProvider(ShopProviderMixin, _Google):
    def validate_response(self, data: Any) -> None:
        _require_uid(data, "sub", "id")
        _require_strings(data, "email", "name", "given_name", "family_name")


class FacebookProvider(ShopProviderMixin, _Facebook):
    def validate_response(self, data: Any) -> None:
        _require_uid(data, "id", numeric=True)
        _require_strings(data, "email", "name", "first_name", "last_name")


class AppleProvider(ShopProviderMixin, _Apple):
    def validate_response(self, data: Any) -> None:
        _require_uid(data, "sub")
        _require_strings(data, "email")
        _require_dicts(data, ("name",))


class LineProvider(ShopProviderMixin, _Line):
    def validate_response(self, data: Any) -> None:
        _require_uid(data, "userId", "sub")
        _require_strings(data, "displayName", "name", "email")


DEFAULT_PROVIDER_CLASSES: dict[str, type[Any]] = {
    cls.id: cls
    for cls in (
        KakaoProvider,
        NaverProvider,
        GoogleProvider,
        FacebookProvider,
        AppleProvider,
        LineProvider,
    )
}
