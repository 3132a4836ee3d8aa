"""The store's signup fields on a social signup: what the provider gave, what is missing.

``provider_profile`` reads the provider's answer (untrusted: wrong types are dropped, not
trusted) into the store's field names; ``missing_required`` says which of the fields the
admin made required for that provider are not there, i.e. whether the social signup form
must be shown.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from store import profile_values

from .catalog import SIGNUP_FIELDS, Rule
from .conf import ProviderConfig

# Fields the customer profile or the user row can take straight from a provider.
PROFILE_FIELDS = ("name", "email", "phone", "birthday", "gender")


def _str(value: Any, limit: int = 200) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _gender(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return profile_values.gender(value) or ""


def _date(year: Any, month_day: Any) -> datetime.date | None:
    # Providers send the year apart from "MMDD" or "MM-DD".
    year_s, md = _str(year), re.sub(r"\D", "", _str(month_day))
    if not (year_s.isdigit() and len(year_s) == 4 and len(md) == 4):
        return None
    return profile_values.date(year_s + md)


def _phone(value: Any) -> str:
    phone = _str(value, 30)
    # Kakao gives "+82 10-1234-5678"; the shop keeps the domestic form.
    if phone.startswith("+82"):
        phone = "0" + phone[3:].strip()
    return phone if re.fullmatch(r"[0-9+\- ]{8,30}", phone) else ""


def provider_profile(provider_id: str, data: Any) -> dict[str, Any]:
    """The store fields found in a provider's user answer (only well-formed values)."""
    if not isinstance(data, dict):
        return {}
    profile: dict[str, Any] = {}
    if provider_id == "kakao":
        account = data.get("kakao_account")
        account = account if isinstance(account, dict) else {}
        prof = account.get("profile")
        prof = prof if isinstance(prof, dict) else {}
        profile = {
            "name": _str(account.get("name")) or _str(prof.get("nickname")),
            "email": _str(account.get("email")),
            "phone": _phone(account.get("phone_number")),
            "birthday": _date(account.get("birthyear"), account.get("birthday"))
            if account.get("birthday_type", "SOLAR") == "SOLAR"
            else None,
            "gender": _gender(account.get("gender")),
        }
    elif provider_id == "naver":
        profile = {
            "name": _str(data.get("name")) or _str(data.get("nickname")),
            "email": _str(data.get("email")),
            "phone": _phone(data.get("mobile")),
            "birthday": _date(data.get("birthyear"), data.get("birthday")),
            "gender": _gender(data.get("gender")),
        }
    elif provider_id in ("google", "facebook", "apple"):
        raw_name = data.get("name")
        if isinstance(raw_name, dict):
            # Apple sends the name once, in the form post: {"firstName", "lastName"}.
            parts = (_str(raw_name.get("lastName")), _str(raw_name.get("firstName")))
            raw_name = " ".join(p for p in reversed(parts) if p)
        name = _str(raw_name)
        if not name:
            name = " ".join(
                p for p in (_str(data.get("given_name")), _str(data.get("family_name"))) if p
            )
        profile = {"name": name, "email": _str(data.get("email"))}
    elif provider_id == "line":
        profile = {
            "name": _str(data.get("displayName")) or _str(data.get("name")),
            "email": _str(data.get("email")),
        }
    return {k: v for k, v in profile.items() if v}


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
