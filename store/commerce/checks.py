"""System checks of the built-in shop (ids ``commerce.E…``)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error


def check_humanize(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``commerce.E001``: the shop front's templates format prices and points with
    ``django.contrib.humanize``; without it every page of the shop front is a 500."""
    if apps.is_installed("django.contrib.humanize"):
        return []
    return [
        Error(
            "django.contrib.humanize is not in INSTALLED_APPS: the built-in shop's pages "
            "(products, my account) cannot be rendered.",
            hint='Add "django.contrib.humanize" to INSTALLED_APPS.',
            id="commerce.E001",
        )
    ]
