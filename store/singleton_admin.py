"""The admin of a settings row (``store.singleton.SingletonModel``): one page, no list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class SingletonAdmin(admin.ModelAdmin):
    """No adding, no deleting; the list opens the one row, created with its defaults."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def ensure_row(self) -> None:
        self.model.get_solo()

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        self.ensure_row()
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[1])
        )
