"""Taking an account over: the owner of its never-verified address proved the address.

Anyone may register an account with someone else's address (a password signup, a social
account that carried the address unverified) and keep ways in of their own. When the
address's owner proves it (a code mailed to it), the account is theirs, and every other way
in ends with the proof, in one transaction: the password, every other address of the
account (a password reset would reach it), its social accounts and their tokens, allauth
MFA authenticators, each app's registered ways in (``store.registry``: the partner link),
and every session and JWT (``store.signals.credentials_revoked``). One ``AccountTakeover``
row tells the admin what ended.

Social accounts are deleted, not archived: ``sociallogin``'s archive restores its rows when
the provider's client ID is switched back, which would bring the previous holder back in.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from .. import registry
from ..models import AccountTakeover
from ..signals import credentials_revoked

logger = logging.getLogger(__name__)

REASON = "account taken over"


def take_over(user: Any, address: str, *, proof: str) -> AccountTakeover:
    """``address`` of ``user`` was proven by ``proof`` (e.g. "code mailed, kakao"): end
    every other way into the account, make ``address`` its one verified primary address.

    ``user`` is updated in place (it is the instance the caller logs in next). Call it
    before connecting the prover's own way in: everything the account has is ended.
    """
    from allauth.account import app_settings as account_settings
    from allauth.account.models import EmailAddress
    from allauth.account.utils import user_email
    from allauth.socialaccount.models import SocialAccount

    with transaction.atomic():
        # Locked: a way in added by a login committing meanwhile would survive the take-over.
        locked = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
        ended: dict[str, int] = {"password": int(locked.has_usable_password())}
        for instance in (locked, user):
            instance.set_unusable_password()
            user_email(instance, address)
        fields = ["password"]
        if account_settings.USER_MODEL_EMAIL_FIELD:
            fields.append(account_settings.USER_MODEL_EMAIL_FIELD)
        locked.save(update_fields=fields)

        others = EmailAddress.objects.filter(user=locked).exclude(email__iexact=address)
        _total, by_model = others.delete()
        ended["email_addresses"] = by_model.get(EmailAddress._meta.label, 0)
        proven = EmailAddress.objects.filter(user=locked, email__iexact=address).first()
        if proven is None:
            EmailAddress.objects.create(user=locked, email=address, verified=True, primary=True)
        else:
            proven.verified = proven.primary = True
            proven.save(update_fields=["verified", "primary"])

        _total, by_model = SocialAccount.objects.filter(user=locked).delete()
        ended["social_accounts"] = by_model.get(SocialAccount._meta.label, 0)
        if apps.is_installed("allauth.mfa"):
            from allauth.mfa.models import Authenticator

            # An authenticator the previous holder set up would stand in the owner's way.
            _total, by_model = Authenticator.objects.filter(user=locked).delete()
            ended["authenticators"] = by_model.get(Authenticator._meta.label, 0)
        for name, handler in registry.takeover_handlers().items():
            for key, count in handler(locked, address).items():
                ended[f"{name}.{key}"] = count
        # Sessions and JWTs: the app that issues them ends them (keymap). Before the
        # prover's login, so that its session and tokens are not among them.
        credentials_revoked.send(sender=AccountTakeover, user=locked, reason=REASON)
        record = AccountTakeover.objects.create(
            user=locked,
            user_repr=f"#{locked.pk} {locked.get_username()}"[:200],
            proof=proof[:200],
            ended=ended,
        )
    logger.warning("account %s taken over by proof of its address (%s): %s", user.pk, proof, ended)
    return record
