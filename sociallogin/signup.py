"""The store's signup fields on a social signup: what the provider gave, what is missing.

``provider_profile`` reads the provider's answer into the store's field names through that
provider's reader (``sociallogin.providers``: wrong types are dropped, not trusted);
``missing_required`` says which of the fields the admin made required for that provider
are not there, i.e. whether the social signup form must be shown.
"""

from __future__ import annotations

from typing import Any

from .catalog import PROVIDERS, SIGNUP_FIELDS, Rule
from .conf import ProviderConfig

# Fields the customer profile or the user row can take straight from a provider.
PROFILE_FIELDS = ("name", "email", "phone", "birthday", "gender")


def provider_profile(provider_id: str, data: Any) -> dict[str, Any]:
    """The store fields found in a provider's user answer (only well-formed values)."""
    info = PROVIDERS.get(provider_id)
    if info is None or not isinstance(data, dict):
        return {}
    return {k: v for k, v in info.read_profile(data).items() if v}


def missing_required(config: ProviderConfig, profile: dict[str, Any]) -> list[str]:
    """Required fields (for this provider) that the provider's answer does not supply."""
    return [
        name
        for name in SIGNUP_FIELDS
        if config.rule(name) == Rule.REQUIRED and not profile.get(name)
    ]


def signup_profile(sociallogin: Any) -> dict[str, Any]:
    """The provider's answer as store fields; an unverified address is only offered."""
    profile = provider_profile(sociallogin.account.provider, sociallogin.account.extra_data)
    if not any(e.verified for e in sociallogin.email_addresses) and "email" in profile:
        # An unverified address is offered for editing, never taken as given.
        profile["email_unverified"] = profile.pop("email")
    return profile
