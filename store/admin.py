"""The shop core in Django's admin."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import consents, registry, users
from .admin_base import ReadOnlyAdmin
from .forms import CouponTemplateForm, StoreSettingsForm, TermForm
from .models import (
    AccountDeletion,
    AccountTakeover,
    Consent,
    ConsentNotice,
    CouponTemplate,
    Customer,
    MergeRecord,
    PointEntry,
    StoreSettings,
    Term,
)
from .singleton_admin import SingletonAdmin


@admin.register(StoreSettings)
class StoreSettingsAdmin(SingletonAdmin):
    form = StoreSettingsForm
    fieldsets = [
        (None, {"fields": ["name", "age_restricted", "under_14_policy"]}),
        (_("Welcome benefits"), {"fields": ["welcome_points", "welcome_coupon"]}),
    ]


class PointEntryInline(admin.TabularInline):
    model = PointEntry
    extra = 0
    fields = ["created_at", "amount", "reason", "note", "order_ref"]
    readonly_fields = ["created_at", "order_ref"]
    ordering = ["-created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class JoinChannelFilter(admin.SimpleListFilter):
    title = _("join channel")
    parameter_name = "join_channel"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(registry.join_channels().items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(join_channel=value) if value else queryset


class JoinChannelMixin:
    @admin.display(description=_("join channel"), ordering="join_channel")
    def join_channel_name(self, obj: Any) -> str:
        return registry.join_channel_label(obj.join_channel)


@admin.register(Customer)
class CustomerAdmin(JoinChannelMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "user",
        "join_channel_name",
        "marketing_consent",
        "balance",
        "created_at",
        "deleted_at",
    ]
    list_filter = [
        JoinChannelFilter,
        "marketing_consent",
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = [*users.lookups("user"), "nickname", "phone"]
    readonly_fields = ["join_channel_name", "created_at", "welcome_granted_at", "deleted_at"]
    raw_id_fields = ["user"]
    inlines = [PointEntryInline]  # store.commerce adds the issued coupons

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(_balance=Sum("point_entries__amount"))
        )

    @admin.display(description=_("points"), ordering="_balance")
    def balance(self, obj: Customer) -> int:
        return int(getattr(obj, "_balance", None) or 0)


@admin.register(CouponTemplate)
class CouponTemplateAdmin(admin.ModelAdmin):
    form = CouponTemplateForm
    list_display = ["name", "kind", "value", "min_order_total", "valid_days"]


@admin.register(MergeRecord)
class MergeRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "source_repr", "target_repr", "reason"]
    readonly_fields = ["created_at", "source_repr", "target_repr", "reason", "moved"]


@admin.register(AccountDeletion)
class AccountDeletionAdmin(JoinChannelMixin, ReadOnlyAdmin):
    list_display = ["created_at", "user_id", "join_channel_name", "orders_kept"]
    list_filter = [JoinChannelFilter]


@admin.register(AccountTakeover)
class AccountTakeoverAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user_repr", "proof"]
    readonly_fields = ["created_at", "user_repr", "proof", "ended"]
    search_fields = ["user_repr"]


# --- terms and consents --------------------------------------------------------------------


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    form = TermForm
    list_display = ["title", "kind", "version", "mandatory", "kakao_tag", "published", "position"]
    list_editable = ["position"]
    list_filter = ["published", "mandatory", "kind"]
    readonly_fields = ["version", "updated_at"]
    fields = [
        "kind",
        "title",
        "text",
        "mandatory",
        "kakao_tag",
        "published",
        "position",
        "version",
        "updated_at",
    ]

    def save_model(self, request: HttpRequest, obj: Term, form: Any, change: bool) -> None:
        # A changed title, text or mandatory flag is a new version: asked again if mandatory.
        consents.publish(obj)

    def delete_model(self, request: HttpRequest, obj: Term) -> None:
        super().delete_model(request, obj)
        consents.invalidate_terms()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Consents refer to the term: unpublish it instead.
        return obj is None or not obj.consents.exists()


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "term", "version", "agreed", "via", "channel", "current"]
    list_filter = ["current", "agreed", "via", "term"]
    search_fields = [*users.lookups("user"), "channel"]
    readonly_fields = [
        "user",
        "term",
        "version",
        "agreed",
        "at",
        "via",
        "channel",
        "current",
        "guardian_name",
        "guardian_contact",
    ]
    list_select_related = ["user", "term"]
    actions = ["export_csv"]

    @admin.action(description=_("Export the selected consents (CSV)"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Consent]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="consents.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 (Korean titles) only with the BOM
        writer = csv.writer(response)
        writer.writerow(
            [
                "user_id",
                "username",
                "term",
                "kind",
                "version",
                "agreed",
                "at",
                "via",
                "channel",
                "current",
                "guardian",
            ]
        )
        for c in queryset.select_related("user", "term").order_by("user_id", "at", "pk"):
            writer.writerow(
                [
                    c.user_id,
                    c.user.get_username(),
                    c.term.title,
                    c.term.kind,
                    c.version,
                    int(c.agreed),
                    c.at.isoformat(),
                    c.via,
                    c.channel,
                    int(c.current),
                    c.guardian_name,
                ]
            )
        return response


@admin.register(ConsentNotice)
class ConsentNoticeAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "user", "kind", "sent_to"]
    list_filter = ["kind"]
    readonly_fields = ["sent_at", "user", "kind", "sent_to", "summary"]
