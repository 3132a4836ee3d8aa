"""``{% allauth_view_url "account_login" %}``: allauth's HTML view, or in a ``HEADLESS_ONLY``
project (which has none) the front end's page from ``HEADLESS_FRONTEND_URLS``."""

from __future__ import annotations

from typing import Any

from django import template

from ..headless import view_url

register = template.Library()


@register.simple_tag(takes_context=True)
def allauth_view_url(context: Any, view_name: str) -> str:
    return view_url(context.get("request"), view_name)
