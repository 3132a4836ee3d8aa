"""Facebook: app ID and app secret; numeric user IDs."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.facebook.provider import FacebookProvider as _Facebook
from django.utils.translation import gettext_lazy as _

from .base import ProviderInfo, ShopProviderMixin, name_and_email, require_strings, require_uid


class FacebookProvider(ShopProviderMixin, _Facebook):
    def validate_response(self, data: Any) -> None:
        require_uid(data, "id", numeric=True)
        require_strings(data, "email", "name", "first_name", "last_name")


INFO = ProviderInfo(
    id="facebook",
    name=_("Facebook"),
    login_label=_("Continue with Facebook"),
    client_id_label=_("App ID"),
    secret_label=_("App secret"),
    required_credentials=("client_id", "secret"),
    button_bg="#1877F2",
    button_fg="#FFFFFF",
    console_url="https://developers.facebook.com/apps/",
    origins=("https://www.facebook.com", "https://graph.facebook.com"),
    provider_class=FacebookProvider,
    read_profile=name_and_email,
)
