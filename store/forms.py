"""Forms of the shop core; the admin and ``storeconfig import`` share them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MARKETING_KINDS, CouponTemplate, StoreSettings, Term


class StoreSettingsForm(forms.ModelForm):
    class Meta:
        model = StoreSettings
        fields = ["name", "age_restricted", "under_14_policy", "welcome_points", "welcome_coupon"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "under_14_policy" in self.fields:
            # Left out (an older config file, a form without it): the current choice stays.
            self.fields["under_14_policy"].required = False

    def clean_under_14_policy(self) -> str:
        return str(self.cleaned_data.get("under_14_policy") or self.instance.under_14_policy)

    def clean_welcome_points(self) -> int:
        value = self.cleaned_data["welcome_points"]
        if value is not None and value > 1_000_000:
            raise forms.ValidationError(_("Welcome points cannot exceed 1,000,000."))
        return value


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["kind", "title", "text", "mandatory", "kakao_tag", "published", "position"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mandatory") and data.get("kind") in MARKETING_KINDS:
            # Network Act art. 50, PIPA art. 22: refusing advertising never refuses the service.
            self.add_error("mandatory", _("Consent to advertising can never be mandatory."))
        return data

    def clean_kakao_tag(self) -> str:
        return str(self.cleaned_data.get("kakao_tag") or "").strip()


class CouponTemplateForm(forms.ModelForm):
    class Meta:
        model = CouponTemplate
        fields = ["name", "kind", "value", "min_order_total", "valid_days"]


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my personal data, points and coupons are removed for good."),
        required=True,
    )


class SecretFormMixin(forms.ModelForm):
    """Write-only inputs for encrypted model fields: a stored secret is never rendered.

    List the fields in ``secret_fields``. Blank input keeps the stored value, so an admin can
    change other settings without retyping the secret.
    """

    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in self.secret_fields:
            field = self.fields[name]
            field.required = False
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
            has_value = bool(self.instance.pk and getattr(self.instance, name, ""))
            field.help_text = (
                _("A value is stored. Leave blank to keep it.") if has_value else _("Not set yet.")
            )
            self.initial[name] = ""

    def clean(self) -> dict[str, Any]:
        # Forms using this mixin call super().clean() first, so their checks see the kept value.
        data = super().clean() or {}
        for name in self.secret_fields:
            if name in data and not data[name]:
                data[name] = getattr(self.instance, name, "") or ""
        return data
