"""The consent fields every way of joining shows, as one form mixin.

- :class:`StoreSignupForm` is allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``: allauth builds its
  signup form *and* its social "finish joining" form (and headless signup's input) on top
  of it, so each asks the store's terms and records them (``signup``); headless's social
  signup input gets the store's signup fields from it too.
- :class:`ConsentFormMixin` is for a host's own registration form: add it to the form,
  render ``{% include "store/consents/fields.html" %}``, and call
  ``form.record_consents(user)`` once the user is saved.
- :class:`ConsentForm` stands alone: the page a social login that joins without a form is
  sent to, and the consents page's "agree" form.

One checkbox per published term (mandatory ones required), each linked to its text; the
age line of PIPA art. 22-2 as the admin chose (``StoreSettings.under_14_policy``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sociallogin.headless_signup import StoreSignupFields

from . import consents
from .models import ConsentVia, StoreSettings, Term

FIELD_PREFIX = "term_"


def field_name(term: Term) -> str:
    return f"{FIELD_PREFIX}{term.pk}"


def term_label(term: Term) -> Any:
    tag = _("mandatory") if term.mandatory else _("optional")
    return format_html(
        '{} ({}) <a href="{}" target="_blank" rel="noopener">{}</a>',
        term.title,
        tag,
        reverse("store:term", args=[term.pk]),
        _("Read"),
    )


class ConsentFormMixin(forms.Form):
    """The store's terms (and at joining, the age line) on any form.

    ``asks_age``: a form that creates a customer asks "14 or older"; ``consent_terms``:
    limit the terms asked (None: every published term).
    """

    asks_age: bool = True
    consent_channel: str = "signup"

    def __init__(self, *args: Any, consent_terms: list[Term] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_terms = consents.published_terms() if consent_terms is None else consent_terms
        self.under_14_policy = StoreSettings.load().under_14_policy
        for term in self.consent_terms:
            self.fields[field_name(term)] = forms.BooleanField(
                label=term_label(term),
                required=term.mandatory,
                error_messages={"required": _("Joining needs your agreement to this term.")},
            )
        if self.asks_age and self.consent_terms:
            self._add_age_fields()

    def _add_age_fields(self) -> None:
        guardian = self.under_14_policy == "guardian"
        self.fields["age_14_or_older"] = forms.BooleanField(
            label=_("I am 14 years old or older"),
            required=not guardian,
            error_messages={
                "required": _("Customers under 14 cannot join this store."),
            },
            help_text=_("Under 14, a legal guardian consents for you (tick nothing here).")
            if guardian
            else "",
        )
        if guardian:
            self.fields["guardian_name"] = forms.CharField(
                label=_("Legal guardian's name (under 14 only)"), max_length=100, required=False
            )
            self.fields["guardian_contact"] = forms.CharField(
                label=_("Legal guardian's e-mail or phone (under 14 only)"),
                max_length=254,
                required=False,
            )
            self.fields["guardian_consent"] = forms.BooleanField(
                label=_(
                    "I am the legal guardian and consent to the collection and use of the "
                    "child's personal data as the terms above say"
                ),
                required=False,
            )

    @property
    def consent_fields(self) -> list[forms.BoundField]:
        names = [field_name(t) for t in self.consent_terms]
        names += ["age_14_or_older", "guardian_name", "guardian_contact", "guardian_consent"]
        return [self[n] for n in names if n in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "guardian_consent" in self.fields and not data.get("age_14_or_older"):
            for name in ("guardian_name", "guardian_contact", "guardian_consent"):
                if not data.get(name):
                    self.add_error(
                        name, _("Under 14, joining needs your legal guardian's consent.")
                    )
        return data

    def consent_answers(self) -> dict[Term, bool]:
        data = getattr(self, "cleaned_data", {}) or {}
        return {t: bool(data.get(field_name(t))) for t in self.consent_terms}

    def guardian(self) -> consents.Guardian | None:
        data = getattr(self, "cleaned_data", {}) or {}
        if "guardian_consent" not in self.fields or data.get("age_14_or_older"):
            return None
        return consents.Guardian(
            str(data.get("guardian_name") or ""), str(data.get("guardian_contact") or "")
        )

    def record_consents(self, user: Any, *, channel: str | None = None) -> list[Any]:
        guardian = self.guardian()
        return consents.record(
            user,
            self.consent_answers(),
            via=ConsentVia.GUARDIAN if guardian else ConsentVia.FORM,
            channel=channel or self.consent_channel,
            guardian=guardian,
        )


class StoreSignupForm(StoreSignupFields, ConsentFormMixin):
    """allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``: the base of its signup forms. The store's
    terms on each; on allauth headless's social signup also the store's signup fields for
    the provider (``sociallogin.headless_signup``), which that input would not ask."""

    def signup(self, request: Any, user: Any) -> None:
        # allauth calls this after saving the user. A social signup recorded in its
        # ``save_user`` transaction already (``store.consent_steps``): this writes nothing.
        sociallogin = getattr(self, "sociallogin", None)
        channel = f"social:{sociallogin.account.provider}" if sociallogin else "signup"
        self.record_consents(user, channel=channel)


class ConsentForm(ConsentFormMixin):
    """The terms alone (a social login joining without a form; agreeing on the consents
    page)."""

    def __init__(self, *args: Any, asks_age: bool = True, **kwargs: Any) -> None:
        self.asks_age = asks_age
        super().__init__(*args, **kwargs)

    def answer(self) -> dict[str, Any]:
        """JSON-safe, for a paused login (``login_pipeline.resume``)."""
        guardian = self.guardian()
        return {
            "terms": {str(t.pk): agreed for t, agreed in self.consent_answers().items()},
            "guardian": [guardian.name, guardian.contact] if guardian else None,
        }
