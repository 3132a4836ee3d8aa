"""Glue between the store core's signals and the partner data."""

from __future__ import annotations

from typing import Any


def _on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """The partner's answer holds personal data, and the link would let the ID log in again."""
    from .models import PartnerLink

    PartnerLink.objects.filter(user=user).delete()


def connect() -> None:
    from store.signals import account_deleting

    from .login_steps import register_steps

    account_deleting.connect(_on_account_deleting, dispatch_uid="keymap.account_deleting")
    register_steps()
