"""``{% load keymap %}{% user_id_login_link %}``: a link to user-ID login, when it is offered."""

from __future__ import annotations

from typing import Any

from django import template

from ..conf import load
from ..models import WebhookName

register = template.Library()


@register.inclusion_tag("keymap/snippets/user_id_login_link.html", takes_context=True)
def user_id_login_link(context: Any) -> dict[str, Any]:
    request = context.get("request")
    available = load().webhook(WebhookName.USER_VALIDATION) is not None
    return {"available": available, "next": request.GET.get("next", "") if request else ""}
