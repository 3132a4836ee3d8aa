"""The store's signup fields on every social signup form, allauth headless's too.

allauth headless answers ``POST /_allauth/{browser,app}/v1/auth/provider/signup`` with its
own input class, a subclass of allauth's social ``SignupForm`` that ``SOCIALACCOUNT_FORMS``
does not reach. Every allauth signup form derives from ``ACCOUNT_SIGNUP_FORM_CLASS`` (its
public extension point for extra fields), so this class, set there, gives such a form the
fields of the store's own ``sociallogin.forms.SocialSignupForm`` for the provider, and
validates the input with that same class: the phone an admin made required is asked,
enforced and kept (``ctx.form.cleaned_data`` is what the login pipeline reads).

This module imports no allauth form at import time: allauth builds its ``BaseSignupForm`` on
top of this class while ``allauth.account.forms`` is being imported.
"""

from __future__ import annotations

from typing import Any

from django import forms

# The setting names the store's signup form, which builds on this class.
PATH = "store.consent_forms.StoreSignupForm"


class StoreSignupFields(forms.Form):
    """``ACCOUNT_SIGNUP_FORM_CLASS``: nothing on the store's own forms, the store's social
    signup form's fields and rules on any other social signup form (allauth headless's)."""

    _store_form: Any = None

    def full_clean(self) -> None:
        # Here, not in __init__: allauth's BaseSignupForm sets its own fields up after this
        # class's __init__ has run (it derives from it).
        self._apply_store_form()
        super().full_clean()

    def _apply_store_form(self) -> None:
        if self._store_form is not None:
            return
        store_form = self._make_store_form()
        if store_form is None:
            return
        self._store_form = store_form
        for name, field in store_form.fields.items():
            if name not in self.fields:
                self.fields[name] = field
            else:
                # The store's rule for the provider (an email it made required) wins.
                self.fields[name].required = field.required
        for name in [n for n in self.fields if n not in store_form.fields]:
            # What the store's form leaves out (the user name, generated) is not asked here.
            del self.fields[name]

    def _make_store_form(self) -> Any:
        from .forms import SocialSignupForm

        sociallogin = getattr(self, "sociallogin", None)
        if sociallogin is None or isinstance(self, SocialSignupForm):
            return None
        return SocialSignupForm(data=self.data if self.is_bound else None, sociallogin=sociallogin)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        store_form = self._store_form
        if store_form is None or not self.is_bound:
            return cleaned
        # The store's form's own validation (its clean methods included), not a copy of it.
        if not store_form.is_valid():
            for field, errors in store_form.errors.as_data().items():
                for error in errors:
                    if field == "__all__":
                        self.add_error(None, error)
                    elif field not in self.errors:
                        self.add_error(field, error)
        for name, value in store_form.cleaned_data.items():
            if name not in self.errors:
                cleaned[name] = value
        return cleaned

    def signup(self, request: Any, user: Any) -> None:
        """allauth's hook after the user is saved: the login pipeline keeps the fields."""
