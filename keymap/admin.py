"""The user database in Django's admin: storage, webhooks, key name maps, deliveries."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from store import users
from store.singleton_admin import SingletonAdmin

from .conf import load
from .forms import PreviewForm, UserDatabaseForm, WebhookForm, linking_problem
from .jwt_tokens import build_claims
from .mapping import ATTRIBUTES, KeyMapError, apply_key_map, compile_key_map
from .models import Delivery, PartnerLink, SigningKey, UserDatabase, Webhook, ensure_rows
from .models import invalidate as load_invalidate


class WebhookFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        key_maps = {
            form.instance.name: form.cleaned_data.get("key_map", {})
            for form in self.forms
            if getattr(form, "cleaned_data", None)
        }
        problem = linking_problem(self.instance.storage, self.instance.account_linking, key_maps)
        if problem:
            raise ValidationError(problem)


class WebhookInline(admin.StackedInline):
    model = Webhook
    form = WebhookForm
    formset = WebhookFormSet
    extra = 0
    can_delete = False
    fieldsets = [
        (None, {"fields": ["enabled", "url", "secret", "timeout"]}),
        (
            _("Key name map"),
            {
                "fields": [f"map_{a}" for a in ATTRIBUTES],
                "description": _(
                    "For each profile attribute, the key of the answer's JSON that feeds it. "
                    "No attribute is required: an attribute not mapped, or whose key an "
                    "answer lacks, keeps its value. Only server_custom_id, once mapped, must "
                    "be in every answer."
                ),
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UserDatabase)
class UserDatabaseAdmin(SingletonAdmin):
    form = UserDatabaseForm
    inlines = [WebhookInline]
    fields = ["storage", "account_linking"]

    def ensure_row(self) -> None:
        ensure_rows()  # the row and its four webhooks

    change_form_template = "admin/keymap/userdatabase_change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        ensure_rows()  # the row and its four webhooks exist before the first edit
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        load_invalidate()

    def get_urls(self) -> list[Any]:
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="keymap_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = PreviewForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            hook = load().webhooks[form.cleaned_data["webhook"]]
            # A map typed on the page is tried as it is, before anyone saves it.
            key_map = form.typed_key_map() or hook.key_map or {}
            result = preview(key_map, form.cleaned_data["sample"], hook.name)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "result": result,
            "title": _("Key name map preview"),
        }
        return TemplateResponse(request, "admin/keymap/preview.html", context)


# The JWT's ``type`` a login through each webhook gets (see receivers and flows).
PREVIEW_LOGIN_TYPES = {
    "user_authentication": "partner",
    "user_creation": "store",
    "social_login": "(provider, e.g. kakao)",
}


def preview(key_map: dict[str, Any], sample: Any, webhook: str) -> dict[str, Any]:
    """What a key name map makes of a sample answer: profile, errors, JWT claims."""
    rows = []
    try:
        compiled = compile_key_map(key_map)
    except KeyMapError as exc:
        return {
            "ok": False,
            "rows": [
                {"attribute": exc.attribute, "path": exc.path, "value": None, "error": exc.message}
            ],
            "claims": "",
        }
    result = apply_key_map(compiled, sample)
    paths = compiled.as_dict()
    for attribute in ATTRIBUTES:
        value = result.values.get(attribute)
        error = result.errors.get(attribute)
        rows.append(
            {
                "attribute": attribute,
                "path": paths.get(attribute, ""),
                "value": value.isoformat()
                if value is not None and attribute == "birthday"
                else value,
                "error": error.message if error else "",
                "missing": attribute in result.missing,
            }
        )
    attributes: dict[str, Any] = {str(r["attribute"]): r["value"] for r in rows}
    claims = build_claims(
        "(customer id)",
        login_type=PREVIEW_LOGIN_TYPES.get(webhook, webhook),
        attributes=attributes,
        partner_data=sample if isinstance(sample, dict) else {},
        session_id="(session)",
        now=0,
    )
    return {
        "ok": not result.errors,
        "rows": rows,
        "claims": json.dumps(claims, ensure_ascii=False, indent=2),
    }


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "webhook", "outcome", "status_code", "duration_ms", "error"]
    list_filter = ["webhook", "outcome"]
    search_fields = ["delivery_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PartnerLink)
class PartnerLinkAdmin(admin.ModelAdmin):
    list_display = ["server_custom_id", "user", "linked", "source", "updated_at"]
    list_filter = ["linked", "source"]
    search_fields = ["server_custom_id", *users.lookups("user"), "partner_login"]
    # Only a verified partner answer links a customer: nothing here can be typed in.
    readonly_fields = fields = (
        "user",
        "server_custom_id",
        "linked",
        "partner_login",
        "partner_data",
        "source",
        "created_at",
        "updated_at",
    )
    actions = ["link_duplicates"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Merge customers that share these server_custom_ids"))
    def link_duplicates(self, request: HttpRequest, queryset: QuerySet[PartnerLink]) -> None:
        from .merging import link_accounts

        ids = {i for i in queryset.values_list("server_custom_id", flat=True) if i}
        report = link_accounts(server_custom_ids=ids)
        self.message_user(
            request,
            _("%(merged)d customers merged into %(groups)d linked customers.")
            % {"merged": report.merged, "groups": report.groups},
            messages.SUCCESS,
        )


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "active", "created_at"]
    fields = ["kid", "public_jwk", "active", "created_at"]
    readonly_fields = ["kid", "public_jwk", "created_at"]
    actions = ["rotate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Add a new signing key (the old ones stay published)"))
    def rotate(self, request: HttpRequest, queryset: QuerySet[SigningKey]) -> None:
        from .jwt_tokens import rotate_key

        key = rotate_key()
        self.message_user(request, _("New signing key %s.") % key.kid, messages.SUCCESS)
