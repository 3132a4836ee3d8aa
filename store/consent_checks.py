"""``store.E030``: every signup form asks the store's terms."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

FORM_PATH = "store.consent_forms.StoreSignupForm"


def check_consents(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from .consent_forms import ConsentFormMixin

    path = getattr(settings, "ACCOUNT_SIGNUP_FORM_CLASS", None)
    try:
        form = import_string(path) if path else None
    except ImportError:
        form = None
    if isinstance(form, type) and issubclass(form, ConsentFormMixin):
        return []
    return [
        checks.Error(
            "allauth's signup forms do not ask the store's terms: "
            f"ACCOUNT_SIGNUP_FORM_CLASS is {path!r}.",
            hint=f"Set ACCOUNT_SIGNUP_FORM_CLASS = {FORM_PATH!r} (or a form class that "
            "includes store.consent_forms.ConsentFormMixin).",
            obj="ACCOUNT_SIGNUP_FORM_CLASS",
            id="store.E030",
        )
    ]
