"""Forms of Kakao Sync: the admin and ``storeconfig import`` share them."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from store.forms import SecretFormMixin

from .checks import middleware_installed
from .models import KakaoSyncSettings, ServiceTerm

TAG_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
CHANNEL_RE = re.compile(r"^_[A-Za-z0-9]{1,39}$")
ADMIN_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
MAX_APP_ID = 10**15


class KakaoSyncSettingsForm(SecretFormMixin):
    secret_fields = ("admin_key",)

    class Meta:
        model = KakaoSyncSettings
        fields = [
            "enabled",
            "quick_signup_confirmed",
            "app_id",
            "admin_key",
            "channel_public_id",
            "kakao_only_in_app_browser",
        ]

    def clean_app_id(self) -> int | None:
        value = self.cleaned_data.get("app_id")
        if value is not None and not (0 < value < MAX_APP_ID):
            raise forms.ValidationError(_("The App ID is the number shown in Kakao Developers."))
        return value

    def clean_admin_key(self) -> str:
        value = str(self.cleaned_data.get("admin_key") or "").strip()
        if value and not ADMIN_KEY_RE.match(value):
            raise forms.ValidationError(
                _("This does not look like a Kakao admin key (letters and digits only).")
            )
        return value

    def clean_channel_public_id(self) -> str:
        value = str(self.cleaned_data.get("channel_public_id") or "").strip()
        if value and not CHANNEL_RE.match(value):
            raise forms.ValidationError(
                _("A channel public ID starts with an underscore, e.g. _ZeUTxl.")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kakao_only_in_app_browser") and not data.get("enabled"):
            self.add_error(
                "kakao_only_in_app_browser",
                _("Switch Kakao Sync on to restrict the Kakao in-app browser to Kakao login."),
            )
        elif data.get("kakao_only_in_app_browser") and not middleware_installed():
            self.add_error(
                "kakao_only_in_app_browser",
                _(
                    "The shop cannot enforce this: ask your developer to add "
                    "store.middleware.StoreMiddleware to MIDDLEWARE."
                ),
            )
        if not data.get("enabled"):
            return data
        if not data.get("quick_signup_confirmed"):
            self.add_error(
                "quick_signup_confirmed",
                _(
                    "Kakao Sync cannot be switched on until [Kakao Quick Signup] is ON in "
                    "Kakao Developers. Switch it on there, then confirm it here."
                ),
            )
        if not data.get("app_id"):
            self.add_error("app_id", _("Enter the App ID to switch Kakao Sync on."))
        if not data.get("admin_key"):
            self.add_error("admin_key", _("Enter the admin key to switch Kakao Sync on."))
        from .conf import kakao_login_status

        status = kakao_login_status()
        if status != "ok":
            message = (
                _(
                    "Kakao Sync needs Kakao login: switch the Kakao provider on in Social "
                    "login first."
                )
                if status == "disabled"
                else _(
                    "Kakao Sync needs Kakao login configured: enter the REST API key of the "
                    "Kakao provider in Social login first."
                )
            )
            self.add_error("enabled", message)
        return data


class ServiceTermForm(forms.ModelForm):
    class Meta:
        model = ServiceTerm
        fields = ["tag", "title", "required", "marketing", "position"]

    def clean_tag(self) -> str:
        value = str(self.cleaned_data.get("tag") or "").strip()
        if not TAG_RE.match(value):
            raise forms.ValidationError(
                _("A tag has letters, digits, '_', '-' or '.' only, as in Kakao Developers.")
            )
        return value


def check_terms(terms: list[dict[str, Any]], *, enabled: bool) -> list[str]:
    """Rules across all terms (shared by the admin inline and the config import)."""
    errors: list[str] = []
    tags = [t.get("tag") for t in terms]
    if len(set(tags)) != len(tags):
        errors.append(str(_("Each service term needs its own tag.")))
    if enabled and not any(t.get("required") for t in terms):
        errors.append(
            str(
                _(
                    "Add at least one required service term: Kakao shows no consent screen "
                    "without one."
                )
            )
        )
    if any(t.get("marketing") and t.get("required") for t in terms):
        errors.append(str(_("A marketing consent term must be optional.")))
    return errors


class BaseServiceTermFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        terms = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        errors = check_terms(terms, enabled=bool(self.instance and self.instance.enabled))
        if errors:
            raise forms.ValidationError(errors)


ServiceTermFormSet = inlineformset_factory(
    KakaoSyncSettings,
    ServiceTerm,
    form=ServiceTermForm,
    formset=BaseServiceTermFormSet,
    extra=0,
    can_delete=True,
)


class ClaimAccountForm(forms.Form):
    """In the Kakao in-app browser: "I already have a store ID" before logging in with Kakao."""

    login = forms.CharField(label=_("Store ID or email"), max_length=150)
