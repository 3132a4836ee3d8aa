"""Kakao Sync in Django's admin: settings, customers' Sync data, audience, webhook log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from store import users
from store.admin_base import ReadOnlyAdmin
from store.singleton_admin import SingletonAdmin

from . import audience
from .conf import kakao_login_status
from .forms import KakaoSyncSettingsForm, ServiceTermFormSet
from .models import KakaoSyncMember, KakaoSyncSettings, ServiceTerm, WebhookDelivery


class ServiceTermInline(admin.TabularInline):
    model = ServiceTerm
    formset = ServiceTermFormSet  # type: ignore[assignment]
    fields = ["tag", "title", "required", "marketing", "position"]
    extra = 0


@admin.register(KakaoSyncSettings)
class KakaoSyncSettingsAdmin(SingletonAdmin):
    form = KakaoSyncSettingsForm
    inlines = [ServiceTermInline]
    readonly_fields = ["kakao_login"]
    change_form_template = "admin/kakaosync/kakaosyncsettings/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": ["kakao_login", "enabled", "quick_signup_confirmed"],
                "description": _(
                    "You can send advertisements from Kakao platforms including Kakao Moment "
                    "and Kakao Talk Channel to customers who sign up via Kakao Sync."
                ),
            },
        ),
        (_("Kakao Developers"), {"fields": ["app_id", "admin_key"]}),
        (_("Consent screen"), {"fields": ["channel_public_id"]}),
        (_("Kakao in-app browser"), {"fields": ["kakao_only_in_app_browser"]}),
    ]

    @admin.display(description=_("Kakao login"))
    def kakao_login(self, obj: KakaoSyncSettings) -> str:
        status = kakao_login_status()
        link = reverse("admin:sociallogin_providersettings_changelist")
        if status == "ok":
            return format_html(
                '✓ {} (<a href="{}">{}</a>)', _("ON and configured"), link, _("Social login")
            )
        return format_html(
            '<strong>{}</strong> <a href="{}">{}</a>',
            _("Kakao Sync needs Kakao login switched on with its REST API key:"),
            link,
            _("Social login"),
        )

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        # The URLs to register at Kakao, absolute for this site (computed per request:
        # the admin instance is shared between threads).
        context["kakao_urls"] = [
            (_("Redirect URI"), request.build_absolute_uri(reverse("kakao_callback"))),
            (
                _("Unlink webhook"),
                request.build_absolute_uri(reverse("kakaosync:webhook_unlink")),
            ),
            (
                _("Channel webhook"),
                request.build_absolute_uri(reverse("kakaosync:webhook_channel")),
            ),
        ]
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.enabled:
            messages.info(
                request,
                _("Kakao Sync is ON: the Kakao login now shows your terms and channel."),
            )


def _export(members: Any, fmt: str, kind: str) -> StreamingHttpResponse:
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        audience.render(members, fmt),
        content_type="text/plain; charset=utf-8" if fmt == "txt" else "text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="kakao-{kind}-audience-{stamp}.{fmt}"'
    return response


class KakaoLinkFilter(admin.SimpleListFilter):
    """Whether the customer is still linked to the Kakao app (said plainly, not "empty")."""

    title = _("Kakao link")
    parameter_name = "kakao_link"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("linked", _("Linked")), ("unlinked", _("Left the Kakao app"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "linked":
            return queryset.filter(unlinked_at__isnull=True)
        if self.value() == "unlinked":
            return queryset.filter(unlinked_at__isnull=False)
        return queryset


@admin.register(KakaoSyncMember)
class KakaoSyncMemberAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "kakao_user_id",
        "joined_via_sync",
        "marketing",
        "channel_status",
        "synched_at",
        "unlinked_at",
        "needs_recovery",
    ]
    list_filter = [
        "joined_via_sync",
        "channel_status",
        "needs_recovery",
        KakaoLinkFilter,
    ]
    search_fields = [*users.lookups("user"), "kakao_user_id"]
    readonly_fields = [
        "user",
        "kakao_user_id",
        "app_id",
        "joined_via_sync",
        "synched_at",
        "terms_table",
        "phone_consented",
        "channel_public_id",
        "channel_status",
        "channel_updated_at",
        "last_read_at",
        "unlinked_at",
        "unlink_reason",
        "needs_recovery",
    ]
    exclude = ["terms"]
    actions = ["export_csv", "export_txt"]
    change_list_template = "admin/kakaosync/kakaosyncmember/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[KakaoSyncMember]:
        return super().get_queryset(request).select_related("user__customer")

    @admin.display(description=_("customer"), ordering=users.name_lookup("user"))
    def customer(self, obj: KakaoSyncMember) -> str:
        return str(obj.user)

    @admin.display(description=_("marketing consent"), boolean=True)
    def marketing(self, obj: KakaoSyncMember) -> bool:
        customer = getattr(obj.user, "customer", None)
        return bool(customer and customer.marketing_consent)

    @admin.display(description=_("service terms"))
    def terms_table(self, obj: KakaoSyncMember) -> str:
        if not obj.terms:
            return "—"
        return format_html(
            "<table>{}</table>",
            format_html_join(
                "",
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                [
                    (
                        t.get("tag", ""),
                        _("required") if t.get("required") else _("optional"),
                        _("agreed") if t.get("agreed") else _("not agreed"),
                        t.get("agreed_at") or "",
                    )
                    for t in obj.terms
                    if isinstance(t, dict)
                ],
            ),
        )

    @admin.action(description=_("Export selected who are in the ad audience (CSV)"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[KakaoSyncMember]
    ) -> HttpResponseBase:
        members = audience.audience("moment").filter(pk__in=queryset.values("pk"))
        return _export(members.iterator(), "csv", "moment")

    @admin.action(description=_("Export selected who are in the ad audience (TXT)"))
    def export_txt(
        self, request: HttpRequest, queryset: QuerySet[KakaoSyncMember]
    ) -> HttpResponseBase:
        members = audience.audience("moment").filter(pk__in=queryset.values("pk"))
        return _export(members.iterator(), "txt", "moment")

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "audience/",
                self.admin_site.admin_view(self.audience_view),
                name="kakaosync_audience",
            ),
            path(
                "audience/<str:kind>.<str:fmt>",
                self.admin_site.admin_view(self.audience_export),
                name="kakaosync_audience_export",
            ),
        ]
        return extra + super().get_urls()

    def audience_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kakao ad audience"),
            "counts": audience.counts(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/kakaosync/audience.html", context)

    def audience_export(self, request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        if kind not in audience.KINDS or fmt not in ("csv", "txt"):
            return HttpResponse(_("Unknown audience or format."), status=404)
        return _export(audience.audience(kind).iterator(), fmt, kind)  # type: ignore[arg-type]


# What each unlink path means, for the admin reading the delivery log.
REFERRER_LABELS = {
    "ACCOUNT_DELETE": _("The customer deleted their Kakao account"),
    "FORCED_ACCOUNT_DELETE": _("Kakao deleted the Kakao account (e.g. a policy violation)"),
    "UNLINK_FROM_ADMIN": _("Unlinked by the app's administrator in Kakao Developers"),
    "UNLINK_FROM_APPS": _("The customer disconnected the shop in their Kakao account"),
    "INCOMPLETE_SIGN_UP": _("Sign-up was not completed (the shop never confirmed the member)"),
}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "kind",
        "event_display",
        "kakao_user_id",
        "outcome",
        "status_code",
        "user",
    ]
    list_filter = ["kind", "outcome", "event"]
    search_fields = ["kakao_user_id", "group_user_token", "jti"]

    @admin.display(description=_("referrer type / event"), ordering="event")
    def event_display(self, obj: WebhookDelivery) -> str:
        label = REFERRER_LABELS.get(obj.event) if obj.kind == WebhookDelivery.Kind.UNLINK else None
        return f"{obj.event}: {label}" if label else obj.event
