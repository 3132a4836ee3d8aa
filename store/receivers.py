"""Glue between allauth's signals and the shop core."""

from __future__ import annotations

from typing import Any

from .models import JoinChannel
from .services.customers import onboard


def _on_user_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    channel = sociallogin.account.provider if sociallogin is not None else JoinChannel.STORE
    onboard(user, channel, request=request)


def connect() -> None:
    from allauth.account.signals import user_signed_up

    user_signed_up.connect(_on_user_signed_up, dispatch_uid="store.onboard")
