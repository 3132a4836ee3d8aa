"""Apple's account-deletion rule: revoke the customer's Sign in with Apple tokens.

App Store Review Guideline 5.1.1(v) asks apps offering Sign in with Apple to revoke the
user's tokens when the account is deleted (Apple's "Token revocation" REST endpoint).

- At every Apple login or connection the refresh token Apple issued is kept, encrypted
  (``AppleToken``): allauth keeps tokens only with ``SOCIALACCOUNT_STORE_TOKENS`` and then
  in plaintext, and the access token would be useless an hour later.
- ``account_deleting``: once the deletion commits, each kept token is revoked at Apple.
  The outcome is recorded (``AppleRevocation``) and logged; a failure never blocks the
  deletion, and its token stays kept so that the revocation can be tried again
  (``manage.py sociallogin_revoke_apple_tokens``, e.g. daily).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from . import apple_client
from .conf import get_config
from .models import AppleRevocation, AppleToken

logger = logging.getLogger(__name__)


def end_kept_tokens(user: Any, address: str) -> dict[str, int]:
    """Take-over handler: the account's Apple links are gone, so are their kept tokens."""
    deleted, _by_model = AppleToken.objects.filter(user=user).delete()
    return {"apple_tokens": deleted}


def keep_token(user: Any, sociallogin: Any) -> None:
    if sociallogin is None or sociallogin.account.provider != "apple":
        return
    token = getattr(sociallogin, "token", None)
    refresh_token = str(getattr(token, "token_secret", "") or "")
    if not refresh_token or user is None or user.pk is None:
        return
    AppleToken.objects.update_or_create(
        uid=sociallogin.account.uid, defaults={"user": user, "refresh_token": refresh_token}
    )


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    keep_token(user, kwargs.get("sociallogin"))


def on_social_account_added(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    keep_token(sociallogin.user, sociallogin)


def merge_handler(source: Any, target: Any) -> dict[str, int]:
    """The token follows the Apple account, which the store's merge moves to the target."""
    return {"apple_tokens": AppleToken.objects.filter(user=source).update(user=target)}


def revoke_for_deleted_accounts() -> list[AppleRevocation]:
    """Try again for every token still kept for a deleted (deactivated) account."""
    records: list[AppleRevocation] = []
    user_ids = (
        AppleToken.objects.filter(user__is_active=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in list(user_ids):
        records += revoke_kept_tokens(user_id)
    return records


def revoke_kept_tokens(user_id: Any) -> list[AppleRevocation]:
    """Revoke every token kept for ``user_id`` at Apple; record and return each outcome."""
    records = []
    tokens = list(AppleToken.objects.filter(user_id=user_id))
    config = get_config("apple")
    for row in tokens:
        try:
            if config is None or not config.is_complete:
                raise apple_client.AppleError("Sign in with Apple is not configured")
            app = config.to_app()
            secret = apple_client.client_secret(
                client_id=config.client_id,
                team_id=config.team_id,
                key_id=config.key_id,
                private_key=str(app.settings["certificate_key"]),
            )
            apple_client.revoke_refresh_token(
                client_id=config.client_id, secret=secret, token=str(row.refresh_token)
            )
        except (apple_client.AppleError, ValueError) as exc:
            # ValueError: a private key pyjwt cannot sign with.
            detail = str(exc) if isinstance(exc, apple_client.AppleError) else "unusable key"
            logger.warning("apple: revocation for user %s failed: %s", user_id, detail)
            records.append(
                AppleRevocation.objects.create(
                    user_id=str(user_id),
                    outcome=AppleRevocation.Outcome.FAILED,
                    detail=detail[:200],
                )
            )
            continue
        row.delete()
        logger.info("apple: tokens of user %s revoked after account deletion", user_id)
        records.append(
            AppleRevocation.objects.create(
                user_id=str(user_id), outcome=AppleRevocation.Outcome.REVOKED
            )
        )
    return records


def on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """``store.signals.account_deleting``: Apple is asked only after the deletion commits,
    so a rolled-back deletion revokes nothing and a slow Apple holds no transaction."""
    from allauth.socialaccount.models import SocialAccount

    user_id = user.pk
    has_apple = SocialAccount.objects.filter(user=user, provider="apple").exists()
    if not AppleToken.objects.filter(user_id=user_id).exists():
        if has_apple:
            # Joined before tokens were kept: nothing to revoke with; said in the record.
            AppleRevocation.objects.create(
                user_id=str(user_id), outcome=AppleRevocation.Outcome.NO_TOKEN
            )
        return
    transaction.on_commit(lambda: revoke_kept_tokens(user_id))
