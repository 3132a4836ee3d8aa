"""Glue between the store core's signals and the partner data."""

from __future__ import annotations

from typing import Any

from . import revocation


def _on_user_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A JWT handed to this session ends with it."""
    if request is not None and hasattr(request, "session"):
        revocation.revoke_session_tokens(request.session, user)


def _on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """The partner's answer holds personal data, and the link would let the ID log in again."""
    from .models import PartnerLink

    PartnerLink.objects.filter(user=user).delete()
    revocation.revoke_all(user, "account deleted")


def _on_credentials_revoked(sender: Any, user: Any, reason: str, **kwargs: Any) -> None:
    revocation.revoke_all(user, reason)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_out

    from store.signals import account_deleting, credentials_revoked

    account_deleting.connect(_on_account_deleting, dispatch_uid="keymap.account_deleting")
    user_logged_out.connect(_on_user_logged_out, dispatch_uid="keymap.logout_revokes_jwts")
    credentials_revoked.connect(_on_credentials_revoked, dispatch_uid="keymap.credentials_revoked")
