"""LINE: channel ID and channel secret; the user ID is ``userId`` (profile API) or ``sub``
(ID token)."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.line.provider import LineProvider as _Line
from django.utils.translation import gettext_lazy as _

from .base import ProviderInfo, ShopProviderMixin, require_strings, require_uid, text


class LineProvider(ShopProviderMixin, _Line):
    def validate_response(self, data: Any) -> None:
        require_uid(data, "userId", "sub")
        require_strings(data, "displayName", "name", "email")


def read_profile(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": text(data.get("displayName")) or text(data.get("name")),
        "email": text(data.get("email")),
    }


INFO = ProviderInfo(
    id="line",
    name=_("LINE"),
    login_label=_("Continue with LINE"),
    client_id_label=_("Channel ID"),
    secret_label=_("Channel secret"),
    required_credentials=("client_id", "secret"),
    button_bg="#06C755",
    button_fg="#FFFFFF",
    console_url="https://developers.line.biz/console/",
    origins=("https://access.line.me", "https://api.line.me"),
    provider_class=LineProvider,
    read_profile=read_profile,
)
