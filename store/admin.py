"""The shop core in Django's admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import registry, users
from .admin_base import ReadOnlyAdmin
from .forms import CouponTemplateForm, StoreSettingsForm
from .models import (
    AccountDeletion,
    AccountTakeover,
    CouponTemplate,
    Customer,
    MergeRecord,
    PointEntry,
    StoreSettings,
)
from .singleton_admin import SingletonAdmin


@admin.register(StoreSettings)
class StoreSettingsAdmin(SingletonAdmin):
    form = StoreSettingsForm
    fieldsets = [
        (None, {"fields": ["name", "age_restricted"]}),
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
