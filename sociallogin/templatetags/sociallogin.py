"""Template helpers for the social login buttons."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..catalog import PROVIDERS

register = template.Library()


@register.simple_tag(takes_context=True)
def social_buttons(context: dict[str, Any], process: str = "login") -> list[dict[str, Any]]:
    """The providers offered to this request in the admin's order, with their look, their
    login URL and whether this browser last logged in with it."""
    from allauth.socialaccount.adapter import get_adapter

    from ..last_used import last_used

    request: HttpRequest = context["request"]
    recent = last_used(request)
    buttons = []
    for provider in get_adapter(request).list_providers(request):
        info = PROVIDERS.get(provider.id)
        # The host's own allauth providers (GitHub...) get a plain button under allauth's name:
        # this snippet replaces allauth's list, so leaving them out would hide them.
        name = info.name if info is not None else provider.name
        label = (
            info.login_label
            if info is not None
            else _("Continue with %(name)s") % {"name": provider.name}
        )
        buttons.append(
            {
                "id": provider.id,
                "name": name,
                "login_label": label,
                "url": provider.get_login_url(request),
                "last_used": provider.id == recent,
            }
        )
    return buttons


@register.simple_tag
def provider_name(provider_id: str) -> str:
    """The provider's name as the shop spells it (translated), e.g. "LINE", not "Line"."""
    info = PROVIDERS.get(provider_id)
    return str(info.name) if info else provider_id


@register.simple_tag(takes_context=True)
def safe_next(context: dict[str, Any]) -> str:
    """The ``next`` of this request when it stays on this site, else ''."""
    request: HttpRequest = context["request"]
    value = request.GET.get("next") or ""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""
