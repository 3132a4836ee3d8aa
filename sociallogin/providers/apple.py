"""Apple: Services ID, team ID, key ID and private key instead of a secret; the name comes
once, as an object, in the form post."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.apple.provider import AppleProvider as _Apple
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .base import (
    ProviderInfo,
    ShopProviderMixin,
    name_and_email,
    require_dicts,
    require_strings,
    require_uid,
)


class AppleProvider(ShopProviderMixin, _Apple):
    def validate_response(self, data: Any) -> None:
        require_uid(data, "sub")
        require_strings(data, "email")
        require_dicts(data, ("name",))

    def get_auds(self) -> list[str]:
        # allauth splits the one client ID at commas; the store lists its Services ID and
        # each app's bundle ID (``ProviderClient``) instead.
        from .. import app_tokens

        return list(app_tokens.accepted_client_ids(self.request, self.id)) or super().get_auds()

    def verify_token(self, request: HttpRequest, token: dict[str, Any]) -> Any:
        from .. import app_tokens

        app_tokens.ensure_available(request, self.id)
        login = super().verify_token(request, token)
        return app_tokens.checked_id_token_login(self, request, token, login)


INFO = ProviderInfo(
    id="apple",
    name=_("Apple"),
    login_label=_("Continue with Apple"),
    client_id_label=_("Services ID"),
    secret_label=_("Key ID"),
    required_credentials=("client_id", "team_id", "key_id", "private_key"),
    button_bg="#000000",
    button_fg="#FFFFFF",
    console_url="https://developer.apple.com/account/resources/identifiers/list",
    origins=("https://appleid.apple.com",),
    extra_fields=("team_id", "key_id", "private_key"),
    provider_class=AppleProvider,
    read_profile=name_and_email,
)
