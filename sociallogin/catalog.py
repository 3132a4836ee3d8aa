"""The six providers the store admin can switch on, and what each one needs.

One place for what differs between providers: the allauth provider id, the labels of its
credentials, the extra fields (Apple), the real origins of its endpoints (for pointing them
at a sandbox) and the colours of its login button.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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
    extra_fields: tuple[str, ...] = field(default=())
    # The whole label, not "Continue with %(name)s": Korean picks 로/으로 by the name.
    login_label: Promise | str = ""


PROVIDERS: dict[str, ProviderInfo] = {
    p.id: p
    for p in (
        ProviderInfo(
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
        ),
        ProviderInfo(
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
        ),
        ProviderInfo(
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
        ),
        ProviderInfo(
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
        ),
        ProviderInfo(
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
        ),
        ProviderInfo(
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
        ),
    )
}

PROVIDER_IDS: tuple[str, ...] = tuple(PROVIDERS)


class Rule:
    REQUIRED = "required"
    OPTIONAL = "optional"
    HIDDEN = "hidden"
    CHOICES = (
        (REQUIRED, _("Required")),
        (OPTIONAL, _("Optional")),
        (HIDDEN, _("Hidden")),
    )
    VALUES = (REQUIRED, OPTIONAL, HIDDEN)


# The store's signup fields an admin can require per provider, with their labels.
SIGNUP_FIELDS: dict[str, Promise | str] = {
    "name": _("Name"),
    "email": _("Email"),
    "phone": _("Phone"),
    "birthday": _("Date of birth"),
    "gender": _("Gender"),
    "address": _("Address"),
    "marketing_consent": _("Marketing consent"),
    "terms_agreement": _("Terms agreement"),
}

DEFAULT_SIGNUP_RULES: dict[str, str] = {
    "name": Rule.OPTIONAL,
    "email": Rule.REQUIRED,
    "phone": Rule.HIDDEN,
    "birthday": Rule.HIDDEN,
    "gender": Rule.HIDDEN,
    "address": Rule.HIDDEN,
    "marketing_consent": Rule.OPTIONAL,
    "terms_agreement": Rule.HIDDEN,
}
