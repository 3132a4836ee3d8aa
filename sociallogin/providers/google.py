"""Google: client ID and secret; OpenID Connect answer (``sub``, name, email)."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.google.provider import GoogleProvider as _Google
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .base import ProviderInfo, ShopProviderMixin, name_and_email, require_strings, require_uid


class GoogleProvider(ShopProviderMixin, _Google):
    def validate_response(self, data: Any) -> None:
        require_uid(data, "sub", "id")
        require_strings(data, "email", "name", "given_name", "family_name")

    def verify_token(self, request: HttpRequest, token: dict[str, Any]) -> Any:
        # allauth checks the ID token's signature, issuer, expiry and that ``aud`` is the
        # client the request names; the store's set of clients, ``azp`` and the nonce on top.
        from .. import app_tokens

        app_tokens.ensure_available(request, self.id)
        login = super().verify_token(request, token)
        return app_tokens.checked_id_token_login(self, request, token, login)


INFO = ProviderInfo(
    id="google",
    name=_("Google"),
    login_label=_("Continue with Google"),
    client_id_label=_("Client ID"),
    secret_label=_("Client secret"),
    required_credentials=("client_id", "secret"),
    button_bg="#FFFFFF",
    button_fg="#1F1F1F",
    console_url="https://console.cloud.google.com/apis/credentials",
    origins=(
        "https://accounts.google.com",
        "https://oauth2.googleapis.com",
        "https://www.googleapis.com",
    ),
    provider_class=GoogleProvider,
    read_profile=name_and_email,
)
