"""A partner password login for an address the shop already has waits on the proof page.

The partner vouches that the shopper holds the address at the partner, not that they own
the shop's account with it. The login is held (its mapped answer, sealed in the session)
on ``sociallogin``'s proof-of-ownership page, the one social logins get: the account's own
password, or a one-time code mailed to the address. A code that proves a never-verified
address takes the account over first (``store.services.takeover``). Only then is the
partner identity connected to the account (:func:`keymap.flows.link_proven`) and the
shopper logged in, as a partner login.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from store import crypto, registry

from . import flows

logger = logging.getLogger(__name__)

KIND = "partner"
BACKEND = "keymap.backends.PartnerBackend"
LOGIN_NAME = _("store ID")


def seal(held: dict[str, Any]) -> str:
    return crypto.encrypt(json.dumps(held, cls=DjangoJSONEncoder))


def unseal(sealed: Any) -> dict[str, Any] | None:
    try:
        held = json.loads(crypto.decrypt(str(sealed)))
    except (ValueError, TypeError, crypto.SecretDecryptionError):
        return None
    return held if isinstance(held, dict) else None


def hold(request: HttpRequest, needed: flows.ProofNeeded) -> HttpResponse:
    """Set the login aside for the proof; the response sends the shopper to the page."""
    from sociallogin import ownership

    return ownership.hold(request, KIND, needed.owner.user, needed.address, seal(needed.held))


def refusal(request: HttpRequest) -> HttpResponse | None:
    if registry.password_login_refused(request):
        return redirect("account_login")  # e.g. Kakao only inside KakaoTalk
    return None


def complete(
    request: HttpRequest, user: Any, data: dict[str, Any], take_over: bool
) -> HttpResponse:
    """The proof is made: connect the held partner identity to ``user`` and log in."""
    from allauth.account.utils import perform_login

    from sociallogin import ownership

    held = unseal(data.get("held"))
    if held is None:
        messages.error(request, _("Nothing is waiting to be linked. Please log in again."))
        return redirect("account_login")
    try:
        with transaction.atomic():
            if take_over:
                ownership.take_over_for(user, data, proof="code mailed to the address (partner)")
            flows.link_proven(user, held)
    except flows.LinkRefused as exc:
        logger.info("partner login for account %s not connected: %s", user.pk, exc)
        messages.error(request, exc.message)
        return redirect("account_login")
    user.backend = BACKEND  # the session's login type is the partner's (login strength)
    return perform_login(request, user)


def register() -> None:
    from sociallogin import ownership

    ownership.register_held_kind(
        KIND, ownership.HeldKind(name=lambda: LOGIN_NAME, complete=complete, refusal=refusal)
    )
