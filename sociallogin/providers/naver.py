"""Naver: client ID and secret; its blanket "verified" flag on emails is not trusted."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.naver.provider import NaverProvider as _Naver
from django.utils.translation import gettext_lazy as _

from .base import (
    ProviderInfo,
    ShopProviderMixin,
    birth_date,
    gender,
    phone,
    require_strings,
    require_uid,
    text,
)


class NaverProvider(ShopProviderMixin, _Naver):
    def validate_response(self, data: Any) -> None:
        require_uid(data, "id")
        require_strings(data, "email", "name", "nickname", "mobile", "birthday", "birthyear")

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        # allauth marks every Naver address verified; Naver does not say so, so we don't.
        email = data.get("email")
        return [EmailAddress(email=email, verified=False, primary=True)] if email else []


def read_profile(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": text(data.get("name")) or text(data.get("nickname")),
        "email": text(data.get("email")),
        "phone": phone(data.get("mobile")),
        "birthday": birth_date(data.get("birthyear"), data.get("birthday")),
        "gender": gender(data.get("gender")),
    }


INFO = ProviderInfo(
    id="naver",
    name=_("Naver"),
    login_label=_("Continue with Naver"),
    client_id_label=_("Client ID"),
    secret_label=_("Client secret"),
    required_credentials=("client_id", "secret"),
    button_bg="#03C75A",
    button_fg="#FFFFFF",
    console_url="https://developers.naver.com/apps/",
    origins=("https://nid.naver.com", "https://openapi.naver.com"),
    provider_class=NaverProvider,
    read_profile=read_profile,
)
