"""Forms of the user database; the admin and ``storeconfig import`` share them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from store.forms import SecretFormMixin

from .mapping import ATTRIBUTES, KeyMapError, compile_key_map
from .models import MAPPED_WEBHOOKS, Storage, UserDatabase, Webhook, WebhookName

LINKING_NEEDS_ID = _(
    "User account linking needs a key for server_custom_id in the key name map of at least "
    "one webhook (user authentication, user creation or social login)."
)

NO_MAP_FOR_VALIDATION = _(
    "The user-validation webhook answers only 200 or 404; it has no key name map."
)


def linking_problem(storage: str, account_linking: bool, key_maps: dict[str, dict]) -> Any:
    """Why account linking cannot be on with these maps (``None`` when it can)."""
    if not account_linking:
        return None
    if storage != Storage.CUSTOM:
        return _("User account linking works only with custom storage.")
    if not any((key_maps.get(name) or {}).get("server_custom_id") for name in MAPPED_WEBHOOKS):
        return LINKING_NEEDS_ID
    return None


class UserDatabaseForm(forms.ModelForm):
    class Meta:
        model = UserDatabase
        fields = ["storage", "account_linking"]


class WebhookForm(SecretFormMixin, forms.ModelForm):
    """One webhook; its key name map as one text input per profile attribute."""

    secret_fields = ("secret",)

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )
    map_birthday = forms.CharField(label=_("birthday"), required=False, max_length=200)
    map_nickname = forms.CharField(label=_("nickname"), required=False, max_length=200)
    map_first_name = forms.CharField(label=_("first_name"), required=False, max_length=200)
    map_last_name = forms.CharField(label=_("last_name"), required=False, max_length=200)
    map_gender = forms.CharField(label=_("gender"), required=False, max_length=200)
    map_server_custom_id = forms.CharField(
        label=_("server_custom_id"), required=False, max_length=200
    )

    class Meta:
        model = Webhook
        fields = ["enabled", "url", "secret", "timeout"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key_map = self.instance.key_map or {}
        no_map = self.instance.name == WebhookName.USER_VALIDATION
        for attribute in ATTRIBUTES:
            field = self.fields[f"map_{attribute}"]
            field.initial = key_map.get(attribute, "")
            field.widget.attrs["class"] = "vTextField"
            if no_map:
                # Greyed out in the admin, so the merchant sees why this webhook has no map;
                # a map sent anyway (storeconfig) is still refused by clean().
                field.widget.attrs["disabled"] = True
                field.help_text = ""
            else:
                field.help_text = _("Dotted key of the answer, e.g. %s") % "user_info.username"
        if no_map:
            self.fields["map_birthday"].help_text = NO_MAP_FOR_VALIDATION

    def clean_url(self) -> str:
        url = str(self.cleaned_data.get("url") or "").strip()
        # URLField also takes ftp://, which requests cannot post to: every login would fail.
        if url and urlsplit(url).scheme.lower() not in ("http", "https"):
            raise forms.ValidationError(_("The webhook URL must start with https:// or http://."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key_map = {a: (data.get(f"map_{a}") or "").strip() for a in ATTRIBUTES}
        key_map = {a: p for a, p in key_map.items() if p}
        if key_map and self.instance.name == WebhookName.USER_VALIDATION:
            raise forms.ValidationError(NO_MAP_FOR_VALIDATION)
        try:
            compile_key_map(key_map)
        except KeyMapError as exc:
            self.add_error(f"map_{exc.attribute}", exc.message)
        data["key_map"] = key_map
        if data.get("enabled"):
            if not data.get("url"):
                self.add_error("url", _("A webhook that is on needs a URL."))
            if not data.get("secret"):
                self.add_error(
                    "secret", _("A webhook that is on needs a signing secret for its calls.")
                )
        return data

    def save(self, commit: bool = True) -> Webhook:
        self.instance.key_map = self.cleaned_data.get("key_map", {})
        return super().save(commit)


MAX_SAMPLE_DEPTH = 100


def _too_deep() -> str:
    return _("This JSON is nested too deeply (more than %d levels).") % MAX_SAMPLE_DEPTH


def json_depth(value: Any) -> int:
    """How deep lists and objects nest in parsed JSON, without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


class PreviewForm(forms.Form):
    webhook = forms.ChoiceField(
        label=_("Webhook"),
        choices=[(w.value, w.label) for w in MAPPED_WEBHOOKS],
        initial=WebhookName.USER_AUTHENTICATION,
    )
    sample = forms.CharField(
        label=_("Sample answer (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80, "spellcheck": "false"}),
        max_length=1024 * 1024,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for attribute in ATTRIBUTES:
            self.fields[f"map_{attribute}"] = forms.CharField(
                label=attribute,
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"class": "vTextField"}),
                help_text=_("Leave every key blank to preview the saved map."),
            )

    def clean_sample(self) -> Any:
        try:
            sample = json.loads(self.cleaned_data["sample"])
        except RecursionError:
            raise forms.ValidationError(_too_deep()) from None
        except ValueError as exc:
            raise forms.ValidationError(_("This is not valid JSON: %s") % exc) from None
        if json_depth(sample) > MAX_SAMPLE_DEPTH:
            raise forms.ValidationError(_too_deep())
        return sample

    def typed_key_map(self) -> dict[str, str]:
        data = self.cleaned_data
        typed = {a: (data.get(f"map_{a}") or "").strip() for a in ATTRIBUTES}
        return {a: p for a, p in typed.items() if p}


class UserIdLoginForm(forms.Form):
    user_id = forms.CharField(
        label=_("User ID"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )

    def clean_user_id(self) -> str:
        value = self.cleaned_data["user_id"].strip()
        if not value:
            raise forms.ValidationError(_("Enter your user ID."))
        return value
