"""Forms: provider settings (the admin page and ``storeconfig import`` share them), the
social signup form, and the proof of ownership before linking."""

from __future__ import annotations

import re
from typing import Any

from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from store.forms import SecretFormMixin
from store.models import Gender, StoreSettings

from . import client_ids
from .catalog import PROVIDERS, SIGNUP_FIELDS, Rule
from .conf import load_configs
from .models import ProviderSettings, RejoinPolicy

_CLIENT_ID_RE = re.compile(r"^[\x21-\x7e]+$")


class ProviderSettingsForm(SecretFormMixin, forms.ModelForm):
    """One provider's row of the "Social login" page."""

    secret_fields = ("secret", "private_key")

    confirm_client_id_change = forms.BooleanField(
        label=_("Yes, change the client ID and archive the existing links"),
        required=False,
    )

    class Meta:
        model = ProviderSettings
        fields = ["enabled", "position", "client_id", "secret", "team_id", "key_id", "private_key"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        info = PROVIDERS[self.instance.provider]
        self.info = info
        self.fields["enabled"].label = _("Use %(provider)s login") % {"provider": info.name}
        self.fields["client_id"].label = str(info.client_id_label)
        self.fields["client_id"].required = False
        self.fields["position"].required = False
        self.fields["position"].help_text = _(
            "Buttons on the login page go from the lowest number; equal numbers keep the "
            "order of this page."
        )
        self.fields["private_key"].widget = forms.Textarea(
            attrs={"rows": 4, "autocomplete": "off", "placeholder": "-----BEGIN PRIVATE KEY-----"}
        )
        if info.id == "apple":
            del self.fields["secret"]
        else:
            self.fields["secret"].label = str(info.secret_label)
            for name in ("team_id", "key_id", "private_key"):
                del self.fields[name]
        rules = dict(self.instance.signup_fields or {})
        for name, label in SIGNUP_FIELDS.items():
            self.fields[f"rule_{name}"] = forms.ChoiceField(
                label=str(label), choices=Rule.CHOICES, initial=rules.get(name, Rule.HIDDEN)
            )
        self.linked = 0
        self.needs_confirmation = False

    @property
    def rule_fields(self) -> list[forms.BoundField]:
        return [self[f"rule_{name}"] for name in SIGNUP_FIELDS]

    @property
    def credential_fields(self) -> list[forms.BoundField]:
        names = ["client_id", "secret", "team_id", "key_id", "private_key"]
        return [self[n] for n in names if n in self.fields]

    def clean_client_id(self) -> str:
        value = (self.cleaned_data.get("client_id") or "").strip()
        if value and not _CLIENT_ID_RE.match(value):
            raise forms.ValidationError(_("A client ID has no spaces or special characters."))
        return value

    def clean_position(self) -> int:
        value = self.cleaned_data.get("position")
        return 0 if value is None else int(value)

    def clean_team_id(self) -> str:
        return (self.cleaned_data.get("team_id") or "").strip()

    def clean_key_id(self) -> str:
        return (self.cleaned_data.get("key_id") or "").strip()

    def clean_private_key(self) -> str:
        value = str(self.cleaned_data.get("private_key") or "").strip()
        if value and value != str(self.instance.private_key or "").strip():
            from cryptography.hazmat.primitives.asymmetric import ec
            from cryptography.hazmat.primitives.serialization import load_pem_private_key

            try:
                key = load_pem_private_key(value.encode(), password=None)
            except (ValueError, TypeError):
                raise forms.ValidationError(
                    _("This is not a private key in PEM form (the .p8 file from Apple).")
                ) from None
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise forms.ValidationError(_("Apple keys are elliptic-curve (ES256) keys."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        enabled = bool(data.get("enabled"))
        if enabled and StoreSettings.load().age_restricted:
            self.add_error(
                "enabled",
                _(
                    "This store is age-restricted. Social login supplies no date of birth, so "
                    "it cannot be switched on. Turn off the age restriction first."
                ),
            )
        if enabled:
            for name in self.info.required_credentials:
                if name in self.fields and not data.get(name):
                    self.add_error(name, _("Required to switch this provider on."))
        old = self.instance.client_id or ""
        new = data.get("client_id") or ""
        if self.instance.pk and old and new != old:
            self.linked = client_ids.linked_count(self.instance.provider)
            if self.linked and not data.get("confirm_client_id_change"):
                self.needs_confirmation = True
                self.add_error(
                    "client_id",
                    _(
                        "%(count)s customer(s) joined with the current client ID and will lose "
                        "their link: they cannot log in with %(provider)s until they link again. "
                        "Tick the confirmation to change it; switching back restores the links."
                    )
                    % {"count": self.linked, "provider": self.info.name},
                )
        rules = {}
        for name in SIGNUP_FIELDS:
            rules[name] = data.get(f"rule_{name}") or Rule.HIDDEN
        data["signup_fields"] = rules
        return data

    def save(self, commit: bool = True, *, changed_by: Any = None) -> ProviderSettings:
        old_client_id = ""
        if self.instance.pk:
            old_client_id = (
                ProviderSettings.objects.filter(pk=self.instance.pk)
                .values_list("client_id", flat=True)
                .first()
                or ""
            )
        obj = super().save(commit=False)
        obj.signup_fields = self.cleaned_data["signup_fields"]
        if commit:
            if old_client_id != obj.client_id and (old_client_id or obj.client_id):
                client_ids.change_client_id(
                    obj.provider, old_client_id, obj.client_id, changed_by=changed_by
                )
            obj.save()
        return obj


class RejoinPolicyForm(forms.ModelForm):
    """May a deleted social account join again, and after how many days."""

    class Meta:
        model = RejoinPolicy
        fields = ["cooldown_days"]


class SocialSignupForm(AllauthSocialSignupForm):
    """allauth's social signup form plus the store fields the admin chose for the provider.

    Required fields are required, optional ones optional, hidden ones absent; each is
    pre-filled with what the provider gave.
    """

    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^[0-9+\- ]{8,30}$",
        error_messages={"invalid": _("Enter a phone number, e.g. 010-1234-5678.")},
    )
    birthday = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "---"), *Gender.choices])
    address = forms.CharField(label=_("Address"), max_length=300)
    marketing_consent = forms.BooleanField(label=_("Send me offers and news (optional)"))
    terms_agreement = forms.BooleanField(label=_("I agree to the store's terms of use"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider_id = self.sociallogin.account.provider
        config = load_configs().get(provider_id)
        # The user name is generated from the provider's data; no need to ask for it.
        self.fields.pop("username", None)
        for name in SIGNUP_FIELDS:
            rule = config.rule(name) if config else Rule.HIDDEN
            if name == "email":
                if "email" in self.fields:
                    self.fields["email"].required = self.fields["email"].required or (
                        rule == Rule.REQUIRED
                    )
                continue
            if rule == Rule.HIDDEN:
                self.fields.pop(name, None)
            else:
                self.fields[name].required = rule == Rule.REQUIRED
        if "marketing_consent" in self.fields:
            self.fields["marketing_consent"].required = False
        if getattr(self, "consent_terms", None):
            # The store's published, versioned terms (store.consent_forms, this form's base)
            # are asked instead of the one unversioned checkbox, never hidden.
            self.fields.pop("terms_agreement", None)
        for name in ("name", "phone", "birthday", "gender", "address"):
            field = self.fields.get(name)
            if field is not None and not field.required:
                field.label = _("%(label)s (optional)") % {"label": field.label}


class LinkPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password of your store account"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LinkCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the email"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
    )
