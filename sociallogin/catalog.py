"""The providers the store admin can switch on (``PROVIDERS``, from ``sociallogin.providers``,
one module per provider) and the store's signup fields an admin can require of each.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .providers import PROVIDERS, ProviderInfo

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

__all__ = [
    "DEFAULT_SIGNUP_RULES",
    "PROVIDERS",
    "PROVIDER_IDS",
    "SIGNUP_FIELDS",
    "ProviderInfo",
    "Rule",
]
