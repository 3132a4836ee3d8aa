"""Kakao: REST API key only (the secret is optional), numeric user IDs, and an email that
counts as verified only while Kakao says it is still valid."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.kakao.provider import KakaoProvider as _Kakao
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import registry
from .base import (
    ProviderInfo,
    ShopProviderMixin,
    birth_date,
    gender,
    phone,
    require_dicts,
    require_strings,
    require_uid,
    text,
)


class KakaoProvider(ShopProviderMixin, _Kakao):
    def redirect(self, request: HttpRequest, process: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("headless") and kwargs.get("auth_params") is None:
            # allauth headless's provider/redirect passes no request-derived parameters (only
            # the HTML login view reads get_auth_params_from_request): Kakao Sync's terms
            # and channel go on its redirect too.
            params = self.get_auth_params()
            params.update(registry.auth_params(self.id, request))
            kwargs["auth_params"] = params
        return super().redirect(request, process, *args, **kwargs)

    # A native app's Kakao SDK login, through allauth headless's ``provider/token``: the
    # token is checked against this store's Kakao app (``sociallogin.app_tokens``).
    supports_token_authentication = True

    def verify_token(self, request: HttpRequest, token: dict[str, Any]) -> Any:
        from .. import app_tokens

        return app_tokens.verify_kakao(self, request, token)

    def validate_response(self, data: Any) -> None:
        require_uid(data, "id", numeric=True)
        require_dicts(data, ("kakao_account",), ("kakao_account", "profile"), ("properties",))
        require_strings(data.get("kakao_account") or {}, "email", "name", "phone_number")

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


def read_profile(data: dict[str, Any]) -> dict[str, Any]:
    account = data.get("kakao_account")
    account = account if isinstance(account, dict) else {}
    prof = account.get("profile")
    prof = prof if isinstance(prof, dict) else {}
    return {
        "name": text(account.get("name")) or text(prof.get("nickname")),
        "email": text(account.get("email")),
        "phone": phone(account.get("phone_number")),
        "birthday": birth_date(account.get("birthyear"), account.get("birthday"))
        if account.get("birthday_type", "SOLAR") == "SOLAR"
        else None,
        "gender": gender(account.get("gender")),
    }


INFO = ProviderInfo(
    id="kakao",
    name=_("Kakao"),
    login_label=_("Continue with Kakao"),
    client_id_label=_("REST API key"),
    secret_label=_("Client secret"),
    required_credentials=("client_id",),
    button_bg="#FEE500",
    button_fg="#191919",
    console_url="https://developers.kakao.com/console/app",
    origins=("https://kauth.kakao.com", "https://kapi.kakao.com"),
    provider_class=KakaoProvider,
    read_profile=read_profile,
)
