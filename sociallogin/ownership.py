"""Linking a social login to an existing store account, after proof of ownership.

A provider's email is trusted only when the provider marks it verified (our provider
classes decide what counts), and it matches only an address the shop has verified on an
account: an address that is not verified owns nothing (anyone may put someone else's
address on an account, unverified, at signup, through a provider or at
``/accounts/email/``). When a verified address belongs to an existing account, the social
account is not connected until the shopper proves they own that account, with its password
or a one-time code sent to that address (never to another address of the account). The
pending login waits in the session, encrypted, with only the provider's access token (Kakao
Sync reads the profile with it once linked), and for ``PENDING_TTL`` at most.

Pre-registration takeover: in KakaoTalk the shopper may name an account themselves; its
code goes to the account's address. When the code proves an address that was never
verified, the owner of the address takes the account over: every other way into it ends
with the proof (``store.services.takeover``: password, other addresses, social accounts,
partner link, sessions and JWTs), recorded for the admin.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from store import login_pipeline, ratelimit
from store.login_pipeline import LoginContext
from store.models import StoreSettings

from .app_settings import app_settings
from .headless import redirect_to_view

logger = logging.getLogger(__name__)

SESSION_KEY = "sociallogin_link"
PENDING_TTL = 30 * 60  # seconds a login waits for its proof, whatever the session's age


def _verified_emails(sociallogin: Any) -> list[str]:
    return [e.email for e in sociallogin.email_addresses if e.verified and e.email]


def _verified_addresses(emails: list[str]) -> Any:
    """allauth's verified rows of ``emails`` on active accounts.

    ``user.email`` is not looked at, nor unverified rows: either is only what someone typed.
    """
    from allauth.account.models import EmailAddress
    from django.db.models import Q

    match = Q()
    for email in emails:
        match |= Q(email__iexact=email)
    return EmailAddress.objects.filter(match, verified=True, user__is_active=True)


def _users_owning(emails: list[str]) -> Any:
    user_ids = _verified_addresses(emails).values("user_id")
    return get_user_model()._default_manager.filter(pk__in=user_ids, is_active=True)


def _matched_address(user_id: Any, sociallogin: Any) -> str:
    """The verified address of ``user_id`` that the login's verified addresses matched."""
    emails = _verified_emails(sociallogin)
    if not emails:
        return ""
    found = _verified_addresses(emails).filter(user_id=user_id).order_by("pk").first()
    return found.email if found is not None else ""


class Screening(NamedTuple):
    tombstoned: bool  # a deleted customer's account
    owner_id: Any  # the pk of the account owning one of its verified addresses, or None
    welcomed_before: bool | None  # its welcome benefits were given once (None: not asked)


def screen_new_login(
    sociallogin: Any, *, check_tombstone: bool, find_owner: bool, check_welcomed: bool = False
) -> Screening:
    """For a social account the shop has not seen: whether it is tombstoned (when
    ``check_tombstone``), the pk of the active account owning one of its verified addresses
    (when ``find_owner``), and whether it was welcomed before (when ``check_welcomed``).

    All in one query (a UNION): a first signup asks for each.
    """
    from django.db.models import CharField, Value

    from store.services.customers import welcomed_accounts

    from .tombstones import active_tombstones

    def tagged(qs: Any, tag: str) -> Any:
        return qs.order_by().annotate(kind=Value(tag, CharField())).values_list("kind", "pk")

    account = sociallogin.account
    parts = []
    if check_tombstone:
        parts.append(tagged(active_tombstones(account.provider, account.uid), "t"))
    emails = _verified_emails(sociallogin) if find_owner else []
    if emails:
        parts.append(tagged(_users_owning(emails), "u"))
    if check_welcomed:
        parts.append(tagged(welcomed_accounts(account.provider, str(account.uid)), "w"))
    if not parts:
        return Screening(False, None, None)
    rows = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
    owners = [pk for kind, pk in rows if kind == "u"]
    return Screening(
        any(kind == "t" for kind, _pk in rows),
        min(owners) if owners else None,
        any(kind == "w" for kind, _pk in rows) if check_welcomed else None,
    )


def start(ctx: LoginContext, user: Any, *, claimed: bool = False) -> HttpResponse:
    """Ask for proof of ownership of ``user`` (a user, or its pk) before connecting the
    social login of ``ctx`` to it; the login, with its context, waits in the session.

    ``claimed``: the shopper named the account themselves (e.g. in the KakaoTalk browser):
    its code goes to the account's address. Otherwise the provider's verified email
    matched a verified address of the account: the code goes to that address.
    """
    user_id = getattr(user, "pk", user)
    if claimed:
        if not hasattr(user, "email"):
            user = get_user_model()._default_manager.filter(pk=user_id).first()
        address = str(getattr(user, "email", "") or "")
    else:
        address = _matched_address(user_id, ctx.sociallogin)
    if not address:
        # Nothing to send a code to, or the match went away meanwhile: no proof to ask.
        logger.info("social login %s: no address of account %s to prove", ctx.provider, user_id)
        return redirect_to_view(ctx.request, "account_login")
    ctx.request.session[SESSION_KEY] = {
        "claimed": claimed,
        # The address the code goes to and proves.
        "email": address,
        "sociallogin": login_pipeline.seal(ctx.write_out()),
        "expires": int(time.time()) + PENDING_TTL,
        "user_id": user_id,
        # Names this proof's attempt counter (on the shared cache, not in the session).
        "proof": secrets.token_urlsafe(16),
        "code_hash": "",
        "code_expires": 0,
    }
    logger.info(
        "social login %s matches account %s: proof of ownership asked", ctx.provider, user_id
    )
    return HttpResponseRedirect(reverse("sociallogin:link"))


@dataclass(frozen=True)
class HeldKind:
    """A login other than a social one that waits on the same proof page (``kind`` in
    its session data), e.g. the partner's password login for an address the shop has.

    ``name``: how the page names the login; ``refusal``: a response when this browser may
    not complete it now; ``complete(request, user, data, take_over)``: link and log in
    once the proof is made (``take_over``: a code proved a never-verified address).
    """

    name: Callable[[], Any]
    complete: Callable[[HttpRequest, Any, dict[str, Any], bool], HttpResponse]
    refusal: Callable[[HttpRequest], HttpResponse | None]


_HELD_KINDS: dict[str, HeldKind] = {}


def register_held_kind(kind: str, held: HeldKind) -> None:
    _HELD_KINDS[kind] = held


def held_kind(data: dict[str, Any]) -> HeldKind | None:
    """The held login's kind when it is not a social login (``None``: a social one)."""
    kind = data.get("kind")
    return _HELD_KINDS.get(kind) if isinstance(kind, str) else None


def hold(request: HttpRequest, kind: str, user: Any, address: str, held: str) -> HttpResponse:
    """Ask for proof of ownership of ``user`` before completing a login of ``kind``
    (registered with :func:`register_held_kind`), whose state ``held`` (sealed by its app)
    waits in the session; the code goes to ``address``, the address the login matched."""
    if kind not in _HELD_KINDS:
        raise ValueError(f"no held login kind {kind!r} is registered")
    request.session[SESSION_KEY] = {
        "kind": kind,
        "claimed": False,
        "email": address,
        "held": held,
        "expires": int(time.time()) + PENDING_TTL,
        "user_id": user.pk if isinstance(user.pk, int) else str(user.pk),
        "proof": secrets.token_urlsafe(16),
        "code_hash": "",
        "code_expires": 0,
    }
    logger.info("%s login matches account %s: proof of ownership asked", kind, user.pk)
    return HttpResponseRedirect(reverse("sociallogin:link"))


def take_over_for(user: Any, data: dict[str, Any], proof: str) -> None:
    """:func:`take_over` for a held login of another kind (``proof`` names it)."""
    from store.services.takeover import take_over as end_other_credentials

    end_other_credentials(user, address(data), proof=proof)


def pending(request: HttpRequest) -> dict[str, Any] | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if int(data.get("expires") or 0) < time.time():
        clear(request)
        return None
    return data


def pending_login(data: dict[str, Any]) -> Any | None:
    """The held social login, or None when it cannot be read back."""
    return login_pipeline.unseal(data.get("sociallogin"))


def pending_user(data: dict[str, Any]) -> Any | None:
    user_id = data.get("user_id")
    if not isinstance(user_id, int | str):
        return None
    return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()


def clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def address(data: dict[str, Any]) -> str:
    """The address this proof's code goes to (and proves)."""
    value = data.get("email")
    return value if isinstance(value, str) else ""


def address_verified(user: Any, data: dict[str, Any]) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=user, email__iexact=address(data), verified=True
    ).exists()


def take_over(user: Any, data: dict[str, Any], provider: str) -> None:
    """The code proved ``user``'s never-verified address: its owner takes the account.

    Whoever registered it may not own the address (pre-registration takeover): every
    other way in they kept ends now (``store.services.takeover``), before the prover's own
    social account is connected.
    """
    from store.services.takeover import take_over as end_other_credentials

    end_other_credentials(user, address(data), proof=f"code mailed to the address ({provider})")


def _hash(code: str) -> str:
    # Keyed: a six-digit code's plain hash in the session store would be trivially reversed.
    return salted_hmac("sociallogin.link-code", code, algorithm="sha256").hexdigest()


RESEND_AFTER = 30  # seconds between two codes, so the form cannot be used to flood a mailbox


def send_code(request: HttpRequest, data: dict[str, Any], user: Any) -> bool:
    """Mail a new code to the proof's address; False when the last one is too recent."""
    recipient = address(data)
    if not recipient:
        return False
    now = int(time.time())
    if now - int(data.get("code_sent_at") or 0) < RESEND_AFTER:
        return False
    data["code_sent_at"] = now
    code = f"{secrets.randbelow(1_000_000):06d}"
    data["code_hash"] = _hash(code)
    data["code_expires"] = int(time.time()) + app_settings.LINK_CODE_TTL
    request.session[SESSION_KEY] = data
    store_name = StoreSettings.load().name
    send_mail(
        _("Your code for %(store)s") % {"store": store_name},
        _(
            "Someone (hopefully you) wants to connect a social account to your account at "
            "%(store)s. Your code is %(code)s. It is valid for %(minutes)s minutes. If this "
            "was not you, ignore this message."
        )
        % {"store": store_name, "code": code, "minutes": app_settings.LINK_CODE_TTL // 60},
        None,
        [recipient],
    )
    logger.info("ownership code sent to account %s", user.pk)
    return True


def check_code(data: dict[str, Any], code: str) -> bool:
    if not data.get("code_hash") or int(data.get("code_expires") or 0) < time.time():
        return False
    return hmac.compare_digest(data["code_hash"], _hash(code.strip()))


# Budgets of answers, so that guessing is bounded and yet nobody else's wrong answers lock
# the owner out:
# - per pending proof: ``LINK_CODE_ATTEMPTS`` (each proof has its own code);
# - per account and client address: a guesser who starts over gets a new proof, not a new
#   budget; counted per address, so that it is the guesser's own budget they spend, not
#   the owner's elsewhere;
# - per account, passwords from every address: the password is the one secret all proofs
#   share, so wrong passwords from several addresses close the password proof for a while
#   (one address alone cannot: it runs out of its own budget first). The mailed code
#   stays open: a new one each proof, read by the address's owner only.
PROOFS_PER_ACCOUNT = 4
PASSWORD_PROOFS_PER_ACCOUNT = 2 * PROOFS_PER_ACCOUNT
ACCOUNT_WINDOW = 3600
PROOF_WINDOW = 24 * 3600


def account_attempt_limit() -> int:
    return PROOFS_PER_ACCOUNT * app_settings.LINK_CODE_ATTEMPTS


def take_attempt(request: HttpRequest, data: dict[str, Any]) -> int:
    """Count one answer before it is checked: how many answers are left after it.

    Negative: this one may not be checked. The counts live on the shared cache and are
    increased atomically, per pending proof and per target account and client address; a
    count in the session would let parallel requests all read the same number and all be
    checked.
    """
    from store.client_ip import client_ip

    proof = str(data.get("proof") or f"{data.get('user_id')}:{data.get('sociallogin')!r:.200}")
    used = ratelimit.count("sociallogin:link-proof", proof, period=PROOF_WINDOW)
    used_here = ratelimit.count(
        "sociallogin:link-account-address",
        f"{data.get('user_id')}|{client_ip(request) or '-'}",
        period=ACCOUNT_WINDOW,
    )
    left = min(app_settings.LINK_CODE_ATTEMPTS - used, account_attempt_limit() - used_here)
    if left < 0:
        logger.warning("linking to account %s: no attempts left", data.get("user_id"))
    return left


def take_password_attempt(data: dict[str, Any]) -> bool:
    """Count one password answer against the account, whatever the address; False: the
    password proof of this account is closed for now (the code is not)."""
    used = ratelimit.count(
        "sociallogin:link-account-password", str(data.get("user_id")), period=ACCOUNT_WINDOW
    )
    if used > PASSWORD_PROOFS_PER_ACCOUNT * app_settings.LINK_CODE_ATTEMPTS:
        logger.warning("linking to account %s: password proof closed for now", data.get("user_id"))
        return False
    return True
