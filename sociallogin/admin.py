"""The "Social login" page of the Django admin, and the tombstones and archives behind it."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from store import users
from store.admin import StoreSettingsAdmin
from store.admin_base import ReadOnlyAdmin
from store.forms import StoreSettingsForm
from store.models import StoreSettings

from . import registry
from .catalog import PROVIDER_IDS, PROVIDERS
from .conf import load_configs
from .forms import ProviderSettingsForm, RejoinPolicyForm
from .models import (
    AppleRevocation,
    AppleToken,
    ArchivedSocialAccount,
    ClientIdChange,
    DeletedSocialAccount,
    ProviderClient,
    ProviderSettings,
    RejoinPolicy,
)


def provider_forms(data: Any = None) -> list[ProviderSettingsForm]:
    rows = {r.provider: r for r in ProviderSettings.objects.all()}
    return [
        ProviderSettingsForm(
            data=data, instance=rows.get(pid) or ProviderSettings(provider=pid), prefix=pid
        )
        for pid in PROVIDER_IDS
    ]


@admin.register(ProviderSettings)
class ProviderSettingsAdmin(admin.ModelAdmin):
    """One page for the six providers instead of a list of rows."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:sociallogin_providersettings_changelist"))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        can_change = self.has_change_permission(request)
        rejoin_row = RejoinPolicy.objects.filter(pk=1).first() or RejoinPolicy(pk=1)
        if request.method == "POST" and can_change:
            forms_ = provider_forms(request.POST)
            rejoin_form = RejoinPolicyForm(request.POST, instance=rejoin_row, prefix="rejoin")
            if all(f.is_valid() for f in forms_) and rejoin_form.is_valid():
                with transaction.atomic():
                    for f in forms_:
                        if f.has_changed() or not f.instance.pk:
                            f.save(changed_by=request.user)
                    rejoin_form.save()
                messages.success(request, _("Social login settings saved. They are in effect now."))
                for f in forms_:
                    if "enabled" in f.changed_data and not f.cleaned_data.get("enabled"):
                        for note in registry.switch_off_notes(f.instance.provider):
                            messages.warning(request, note)
                return HttpResponseRedirect(request.path)
            messages.error(request, _("Please correct the errors below."))
        else:
            forms_ = provider_forms()
            rejoin_form = RejoinPolicyForm(instance=rejoin_row, prefix="rejoin")
        return TemplateResponse(
            request,
            "sociallogin/admin/social_login.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Social login"),
                "opts": self.model._meta,
                "can_change": can_change,
                "providers": [self._provider_context(request, f) for f in forms_],
                "rejoin_form": rejoin_form,
                "age_restricted": StoreSettings.load().age_restricted,
                "active_count": sum(1 for c in load_configs().values() if c.enabled),
                "store_settings_url": reverse("admin:store_storesettings_change", args=[1]),
            },
        )

    def _provider_context(self, request: HttpRequest, form: ProviderSettingsForm) -> dict[str, Any]:
        pid = form.instance.provider
        archived = (
            ArchivedSocialAccount.objects.filter(provider=pid)
            .values("client_id")
            .annotate(n=Count("pk"))
            .order_by("client_id")
        )
        return {
            "id": pid,
            "info": PROVIDERS[pid],
            "form": form,
            "redirect_uri": request.build_absolute_uri(reverse(f"{pid}_callback")),
            "linked": SocialAccount.objects.filter(provider=pid).count(),
            "archived": list(archived),
        }


class AgeRestrictionStoreSettingsForm(StoreSettingsForm):
    """Store settings that ask before the age restriction switches social login off."""

    switch_off_social_login = forms.BooleanField(
        label=gettext_lazy("Switch off every social login provider"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        turning_on = data.get("age_restricted") and not self.instance.age_restricted
        enabled = [PROVIDERS[p].name for p, c in load_configs().items() if c.enabled]
        if turning_on and enabled and not data.get("switch_off_social_login"):
            self.add_error(
                "age_restricted",
                _(
                    "Social login is ON (%(providers)s). It supplies no date of birth, so an "
                    "age-restricted store cannot use it: tick “Switch off every social "
                    "login provider” to save."
                )
                % {"providers": ", ".join(str(n) for n in enabled)},
            )
        return data

    def save(self, commit: bool = True) -> Any:
        obj = super().save(commit=commit)
        if self.cleaned_data.get("switch_off_social_login") and obj.age_restricted:
            for row in ProviderSettings.objects.filter(enabled=True):
                row.enabled = False
                row.save(update_fields=["enabled", "updated_at"])
        return obj


class SocialAwareStoreSettingsAdmin(StoreSettingsAdmin):
    form = AgeRestrictionStoreSettingsForm

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets: list[Any] = list(super().get_fieldsets(request, obj))
        title, options = fieldsets[0]
        options = {**options, "fields": [*options["fields"], "switch_off_social_login"]}
        fieldsets[0] = (title, options)
        return fieldsets


# The store's settings page gains the question "switch social login off?".
if admin.site.is_registered(StoreSettings):
    admin.site.unregister(StoreSettings)
admin.site.register(StoreSettings, SocialAwareStoreSettingsAdmin)


@admin.register(DeletedSocialAccount)
class DeletedSocialAccountAdmin(admin.ModelAdmin):
    list_display = [
        "provider",
        "short_digest",
        "created_at",
        "rejoin_after",
        "lifted_at",
        "lifted_by",
    ]
    list_filter = ["provider", ("lifted_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["provider", "digest", "created_at", "rejoin_after", "lifted_at", "lifted_by"]
    actions = ["lift"]
    # The provider user ID is never stored, only its keyed hash: a search term is hashed
    # as a user ID of each provider (or matched as the start of a hash).
    search_fields = ["digest"]
    search_help_text = gettext_lazy(
        "Search by the customer's user ID at the provider (e.g. the Kakao member number)."
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[DeletedSocialAccount], search_term: str
    ) -> tuple[QuerySet[DeletedSocialAccount], bool]:
        from .tombstones import digest

        term = search_term.strip()
        if not term:
            return queryset, False
        digests = [digest(pid, term) for pid in PROVIDER_IDS]
        match = Q(digest__in=digests)
        if len(term) >= 8 and all(c in "0123456789abcdef" for c in term.lower()):
            match |= Q(digest__startswith=term.lower())
        return queryset.filter(match), False

    @admin.display(description=gettext_lazy("keyed hash"))
    def short_digest(self, obj: DeletedSocialAccount) -> str:
        return obj.digest[:16] + "…"

    @admin.action(description=gettext_lazy("Lift the block: allow joining again"))
    def lift(self, request: HttpRequest, queryset: QuerySet[DeletedSocialAccount]) -> None:
        count = queryset.filter(lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=request.user
        )
        self.message_user(request, _("%(count)s block(s) lifted.") % {"count": count})


@admin.register(ArchivedSocialAccount)
class ArchivedSocialAccountAdmin(ReadOnlyAdmin):
    list_display = ["provider", "client_id", "user", "archived_at"]
    list_filter = ["provider", "client_id"]
    search_fields = users.lookups("user")
    exclude = ["extra_data", "uid"]


@admin.register(AppleRevocation)
class AppleRevocationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user_id", "outcome", "detail"]
    list_filter = ["outcome"]


@admin.register(AppleToken)
class AppleTokenAdmin(ReadOnlyAdmin):
    """Tokens still held: a customer's current one, or one Apple did not revoke."""

    list_display = ["user", "updated_at"]
    exclude = ["refresh_token", "uid"]


class ProviderClientForm(forms.ModelForm):
    provider = forms.ChoiceField(label=gettext_lazy("provider"), choices=())

    class Meta:
        model = ProviderClient
        fields = ["provider", "label", "client_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pid, PROVIDERS[pid].name) for pid in PROVIDER_IDS]

    def clean(self) -> dict[str, Any]:
        from .client_ids import app_client_problem

        cleaned = super().clean() or {}
        provider, client_id = cleaned.get("provider"), cleaned.get("client_id")
        if provider and client_id:
            problem = app_client_problem(provider, client_id, exclude_pk=self.instance.pk)
            if problem:
                self.add_error("client_id", problem)
        return cleaned


@admin.register(ProviderClient)
class ProviderClientAdmin(admin.ModelAdmin):
    """The app clients (iOS, Android, Kakao's native app key) each provider also accepts."""

    form = ProviderClientForm
    list_display = ["provider", "label", "client_id", "created_at"]
    list_filter = ["provider"]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProviderClient]) -> None:
        # A bulk delete skips the model's delete(): the served providers must drop them too.
        from .conf import invalidate

        super().delete_queryset(request, queryset)
        invalidate()


@admin.register(ClientIdChange)
class ClientIdChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "provider",
        "old_client_id",
        "new_client_id",
        "archived",
        "restored",
        "changed_by",
    ]
    list_filter = ["provider"]


def hide_allauth_app_admin() -> None:
    """allauth's own "Social applications" would store secrets in plaintext and be ignored."""
    from allauth.socialaccount.models import SocialApp

    if admin.site.is_registered(SocialApp):
        admin.site.unregister(SocialApp)
