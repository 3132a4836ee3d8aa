"""The four partner flows: password login, signup, social login and user-ID login.

Each one calls the partner first (the call and its recorded delivery stay outside the
login's transaction), maps the answer through the admin's key name map, then writes
everything of the login in one transaction, or nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from store.login_pipeline import LoginPart, ProfileChange
from store.request_lock import hold_until_request_ends

from . import client
from .client import Answer, PartnerUnavailable
from .conf import Config, load
from .mapping import MappingError, map_answer
from .models import Delivery, PartnerLink, Webhook, WebhookName
from .partner_links import (
    CUSTOMER_FIELDS,
    USER_FIELDS,
    EmailOwner,
    NewCustomerRefused,
    apply_profile,
    capped_partner_data,
    creator,
    email_owner,
    find_linked,
    is_current,
    linked_user,
    unlinked_user,
)

logger = logging.getLogger(__name__)
# Seconds a new social account waits for a parallel signup with the same server_custom_id.
LINK_WAIT = 10

PARTNER_CHANNEL = "partner"


@dataclass
class PartnerAnswer(LoginPart):
    """The social-login webhook's answer for a new social account, until its signup."""

    key = "keymap.partner"
    webhook: str
    values: dict[str, str]  # the answer through the admin's key name map
    answer: dict[str, Any]  # the raw answer (capped), kept for the JWT's partner_data


class PartnerRefused(Exception):
    """The partner said no (4xx): wrong credentials, no such user, signup refused."""

    def __init__(self, message: Any, answer: Answer) -> None:
        super().__init__(str(message))
        self.message = message
        self.answer = answer


def mapped_values(hook: Webhook, answer: Answer) -> dict[str, Any]:
    """The answer through the key name map; a fault marks the delivery as unusable."""
    try:
        return map_answer(hook.compiled_map, answer.data)
    except MappingError as exc:
        Delivery.objects.filter(pk=answer.delivery.pk).update(
            outcome=Delivery.Outcome.BAD_ANSWER, error=f"key name map: {exc}"[:1000]
        )
        logger.warning("partner %s answer does not fit the key name map: %s", hook.name, exc)
        raise PartnerUnavailable(
            _("The partner's user database sent an answer the shop cannot use."),
            answer.delivery,
        ) from exc


def _resolve(
    config: Config,
    values: dict[str, Any],
    *,
    candidate: Any | None,
    partner_login: str | None,
    create: Any,
) -> tuple[Any, PartnerLink | None]:
    """Which local customer a verified partner identity is (call inside a transaction)."""
    custom_id = values.get("server_custom_id")
    if custom_id and config.account_linking:
        return linked_user(custom_id, candidate=candidate, create=create)
    if candidate is not None:
        return candidate, None
    if partner_login:
        link = (
            PartnerLink.objects.select_related("user", "user__customer")
            .filter(partner_login=partner_login)
            .first()
        )
        if link is not None:
            return link.user, link
    if custom_id:
        return unlinked_user(custom_id, create=create)
    return create(), None


# --- user authentication (store ID and password) -------------------------------------------


@sensitive_variables("password")
def authenticate(request: HttpRequest | None, login: str, password: str) -> Any | None:
    """The customer for a partner login, or ``None`` when the partner says no (4xx).

    Raises :class:`PartnerUnavailable` when the partner cannot answer: the shopper must
    hear "try again", not "wrong password". For an address an account of the shop already
    has (and nobody linked to the partner identity yet), nothing is written: it raises
    :class:`ProofNeeded` (the shopper proves the account is theirs, then
    :func:`link_proven`) or :class:`AddressRefused` (no proof can connect them).
    """
    config = load()
    hook = config.webhook(WebhookName.USER_AUTHENTICATION)
    if hook is None or not login or not password:
        return None
    answer = client.authenticate_user(hook, login=login, password=password)
    if not answer.ok:
        return None
    values = mapped_values(hook, answer)
    partner_login = login.strip().lower()[:255]
    email = login.strip() if "@" in login else ""
    custom_id = values.get("server_custom_id")
    if custom_id and config.account_linking:
        # The usual returning login: the linked customer, nothing changed, no transaction.
        found = find_linked(custom_id)
        if found is not None and found[1].partner_login is not None:
            known_user, known_link = found
            if is_current(known_user, known_link, values, answer=answer.data, source=hook.name):
                return known_user
    held = {
        "values": {k: str(v) for k, v in values.items()},
        "answer": capped_partner_data(answer.data),
        "webhook": hook.name,
        "partner_login": partner_login,
    }
    make = creator(
        PARTNER_CHANNEL,
        username_hint=values.get("nickname") or login.split("@")[0],
        email=email,
        request=request,
    )

    def create() -> Any:
        # Only a new customer can collide with an account holding the same address.
        _refuse_taken_address(email, values, config, held)
        return make()

    try:
        with transaction.atomic():
            user, link = _resolve(
                config, values, candidate=None, partner_login=partner_login, create=create
            )
            link = _with_partner_login(user, link, values, answer, hook, partner_login)
    except NewCustomerRefused:
        # An account took the address between the look and the INSERT (a unique e-mail
        # field): the same proof as above; anything else is no link race, and goes up.
        _refuse_taken_address(email, values, config, held)
        raise
    return user


def _with_partner_login(
    user: Any,
    link: PartnerLink | None,
    values: dict[str, Any],
    answer: Answer,
    hook: Webhook,
    partner_login: str,
) -> PartnerLink:
    link = apply_profile(user, values, answer=answer.data, source=hook.name, link=link)
    if (
        link.partner_login is None
        and not PartnerLink.objects.filter(partner_login=partner_login).exists()
    ):
        link.partner_login = partner_login
        link.save(update_fields=["partner_login"])
    return link


# --- an address the shop already has -------------------------------------------------------


class ProofNeeded(Exception):
    """The partner vouched for an address an account of the shop has: the login waits
    for the shopper's proof that the account is theirs (``sociallogin``'s proof page)."""

    def __init__(self, owner: EmailOwner, address: str, held: dict[str, Any]) -> None:
        super().__init__("proof of ownership needed")
        self.owner = owner
        self.address = address
        self.held = held


class AddressRefused(Exception):
    """The partner vouched for an address an account of the shop has, and no proof can
    connect the two: ``message`` tells the shopper what to do instead."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


CLOSED_ACCOUNT = _(
    "This e-mail address belongs to an account of this shop that is closed. "
    "Please contact the shop."
)
OTHER_STORE_ID = _(
    "This e-mail address belongs to an account of this shop that is connected to another "
    "store ID. Please log in with that store ID, or with the account's own login."
)
NO_PROOF_PAGE = _(
    "This e-mail address already belongs to an account of this shop. Please log in to "
    "that account with its own login, or ask the shop to connect your store ID to it."
)
UNUSABLE_ADDRESS = _("This e-mail address cannot be used with this shop.")


def _refuse_taken_address(
    email: str, values: Mapping[str, Any], config: Config, held: dict[str, Any]
) -> None:
    """Raise :class:`ProofNeeded` or :class:`AddressRefused` when an account has ``email``.

    The partner's word that a shopper holds an address proves nothing about the shop's
    account with that address (a partner may let anyone register any address): never a
    second account with it, never a link without the proof social logins give.
    """
    from django.apps import apps

    from store.users import PLACEHOLDER_DOMAIN

    if not email:
        return
    if email.lower().endswith("@" + PLACEHOLDER_DOMAIN):
        raise AddressRefused(UNUSABLE_ADDRESS)  # the shop's own stand-ins, never mail
    owner = email_owner(email)
    if owner is None:
        return
    if not owner.user.is_active:
        raise AddressRefused(CLOSED_ACCOUNT)
    custom_id = values.get("server_custom_id")
    if owner.verified and _linked_elsewhere(owner.user, custom_id, config):
        # On a never-verified address the proof goes on: a mailed code takes the account
        # over, ending that link; the account's password alone cannot replace it.
        raise AddressRefused(OTHER_STORE_ID)
    if not apps.is_installed("sociallogin"):
        raise AddressRefused(NO_PROOF_PAGE)
    raise ProofNeeded(owner, email, held)


def _linked_elsewhere(user: Any, custom_id: Any, config: Config) -> bool:
    """Whether ``user`` is linked to another partner identity than ``custom_id``."""
    if not config.account_linking:
        return False
    other = PartnerLink.objects.filter(user=user, linked=True)
    if custom_id:
        other = other.exclude(server_custom_id=custom_id)
    return other.exists()


class LinkRefused(Exception):
    """After the proof, the partner identity can no longer be connected to the account."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


LINKED_MEANWHILE = _(
    "Your store ID was connected to another account of this shop meanwhile. "
    "Please log in again with your store ID."
)


def link_proven(user: Any, held: Mapping[str, Any]) -> None:
    """The shopper proved ``user`` is theirs: connect the held partner identity to it
    (inside the caller's transaction). Raises :class:`LinkRefused` when it cannot be."""
    import datetime as dt

    config = load()
    values: dict[str, Any] = dict(held.get("values") or {})
    if "birthday" in values:
        values["birthday"] = dt.date.fromisoformat(values["birthday"])
    custom_id = values.get("server_custom_id")
    answer = dict(held.get("answer") or {})
    webhook = str(held.get("webhook") or WebhookName.USER_AUTHENTICATION)
    link = None
    if _linked_elsewhere(user, custom_id, config):
        raise LinkRefused(OTHER_STORE_ID)
    if custom_id and config.account_linking:
        found = find_linked(custom_id)
        if found is not None and found[0].pk != user.pk:
            raise LinkRefused(LINKED_MEANWHILE)
        owner, link = linked_user(custom_id, candidate=user, create=lambda: user)
        if owner.pk != user.pk:  # pragma: no cover - re-read above, in this transaction
            raise LinkRefused(LINKED_MEANWHILE)
    link = apply_profile(user, values, answer=answer, source=webhook, link=link)
    partner_login = str(held.get("partner_login") or "")[:255]
    if (
        partner_login
        and link.partner_login is None
        and not PartnerLink.objects.filter(partner_login=partner_login).exists()
    ):
        link.partner_login = partner_login
        link.save(update_fields=["partner_login"])
    logger.info("partner login connected to account %s after proof of ownership", user.pk)


# --- user creation (shop signup) -------------------------------------------------------------


def create_at_partner(username: str, email: str) -> tuple[Webhook, Answer, dict[str, Any]] | None:
    """Ask the partner to create the user before we do; ``PartnerRefused`` carries its reason."""
    config = load()
    hook = config.webhook(WebhookName.USER_CREATION)
    if hook is None:
        return None
    answer = client.create_user(hook, username=username, email=email, profile={})
    if not answer.ok:
        raise PartnerRefused(
            answer.reason or _("The partner's user database refused this sign-up."), answer
        )
    return hook, answer, mapped_values(hook, answer)


def after_signup(user: Any, created: tuple[Webhook, Answer, dict[str, Any]], login: str) -> None:
    """Store the partner's answer on the new customer (inside the signup's transaction)."""
    hook, answer, values = created
    link = None
    custom_id = values.get("server_custom_id")
    if custom_id and load().account_linking:
        owner, link = linked_user(custom_id, candidate=user, create=lambda: user)
        if owner.pk != user.pk:
            raise PartnerRefused(_ALREADY_LINKED, answer)
    link = apply_profile(user, values, answer=answer.data, source=hook.name, link=link)
    login = login.strip().lower()[:255]
    if login and not PartnerLink.objects.filter(partner_login=login).exists():
        link.partner_login = login
        link.save(update_fields=["partner_login"])


_ALREADY_LINKED = _(
    "The partner's user database says you already have an account with this shop. "
    "Please log in instead."
)


def refuse_if_linked(created: tuple[Webhook, Answer, dict[str, Any]]) -> None:
    _hook, answer, values = created
    custom_id = values.get("server_custom_id")
    linking = bool(custom_id) and load().account_linking
    if linking and PartnerLink.objects.filter(server_custom_id=custom_id, linked=True).exists():
        raise PartnerRefused(_ALREADY_LINKED, answer)


# --- social login ----------------------------------------------------------------------------


def social_profile(sociallogin: Any) -> dict[str, Any]:
    """What we tell the partner about a social account: the provider's profile, no tokens.

    ``email_verified`` says whether the provider vouches for the address: a partner that
    recognises users by e-mail must not do so on an unverified one (anyone can put a
    victim's address on a new social account).
    """
    account = sociallogin.account
    email, verified = "", False
    for address in getattr(sociallogin, "email_addresses", []) or []:
        if address.email:
            email, verified = address.email, bool(address.verified)
            if verified:
                break
    if not email and sociallogin.user is not None:
        email = getattr(sociallogin.user, "email", "") or ""
    extra = account.extra_data if isinstance(account.extra_data, dict) else {}
    return {
        "provider": account.provider,
        "uid": str(account.uid),
        "email": email,
        "email_verified": verified,
        "profile": extra,
    }


def social_login(request: HttpRequest, sociallogin: Any, *, existing: bool) -> PartnerAnswer | None:
    """After allauth found (or not) the local account: ask the partner, map, maybe link.

    With linking on and a ``server_custom_id`` in the answer, the login lands on the
    customer linked to it: a new social account is connected to that customer, an existing
    one moves to it. When nobody is linked yet, a known social account's customer becomes
    the linked one, and a new one goes through allauth's ordinary signup (the store's
    signup fields, age rules and welcome benefits): the answer is returned, for
    :func:`store_social_signup` to store on the new customer and link it.

    ``existing``: the login's user is already in the database (the pipeline knows it from
    allauth's lookup; allauth's ``is_existing`` would ask the database again).
    """
    config = load()
    hook = config.webhook(WebhookName.SOCIAL_LOGIN)
    if hook is None:
        return None
    sent = social_profile(sociallogin)
    answer = client.social_login(hook, **sent)
    if not answer.ok:
        raise PartnerRefused(
            answer.reason or _("The partner's user database does not accept this social account."),
            answer,
        )
    values = mapped_values(hook, answer)
    custom_id: str = values.get("server_custom_id") or ""
    linking = bool(custom_id) and config.account_linking
    # New social accounts with one ID arriving at once: each waits for the one before to
    # finish its signup, then connects to the customer it linked (else each would sign up).
    if (
        linking
        and not existing
        and hold_until_request_ends(f"partner-link:{custom_id}", wait=LINK_WAIT) is False
    ):
        logger.warning("social login: a parallel signup with the same server_custom_id hung")
        raise PartnerRefused(
            _("The login service is unavailable at the moment. Please try again shortly."), answer
        )
    # Read before the transaction: at READ COMMITTED a read inside it locks nothing, and a
    # returning login whose answer changed nothing then writes nothing and opens none.
    owner = find_linked(custom_id) if linking else None
    if owner is None and not existing:
        # The customer does not exist yet: allauth's signup creates it, then
        # ``store_social_signup`` stores this answer on it (and links it).
        return PartnerAnswer(
            webhook=hook.name,
            values={k: str(v) for k, v in values.items()},
            # What apply_profile keeps anyway (the cap), not up to 1 MiB in the session.
            answer=capped_partner_data(answer.data),
        )
    with transaction.atomic():
        if owner is not None:
            target, link = owner
            if not existing:
                sociallogin.connect(request, target)
            elif sociallogin.account.user_id != target.pk:
                logger.info(
                    "social account %s moves to the customer linked to its partner ID",
                    sociallogin.account.pk,
                )
                sociallogin.account.user = target
                sociallogin.account.save(update_fields=["user"])
                sociallogin.user = target
            apply_profile(target, values, answer=answer.data, source=hook.name, link=link)
        else:
            link = None
            if linking:
                _user, link = linked_user(
                    custom_id, candidate=sociallogin.user, create=lambda: sociallogin.user
                )
            apply_profile(sociallogin.user, values, answer=answer.data, source=hook.name, link=link)
    return None


def store_social_signup(
    user: Any, partner: PartnerAnswer, changes: Mapping[str, ProfileChange]
) -> dict[str, ProfileChange]:
    """The social-login answer for the user its social signup just created.

    Runs in the signup's transaction, before the customer row is written: the partner link
    is inserted once with the answer, and the answer's profile values are returned for the
    customer row, where they win over ``changes`` (the provider's and the form's), as the
    partner's later word on the customer.
    """
    import datetime as dt

    values: dict[str, Any] = dict(partner.values)
    if "birthday" in values:
        values["birthday"] = dt.date.fromisoformat(values["birthday"])
    custom_id = values.get("server_custom_id") or None
    kept = {"partner_data": partner.answer, "source": WebhookName.SOCIAL_LOGIN}
    # savepoint=False: a fault here must undo the whole signup anyway.
    with transaction.atomic(savepoint=False):
        linked = False
        if custom_id and load().account_linking:
            owner, _link = linked_user(
                custom_id,
                candidate=user,
                create=lambda: user,
                candidate_is_new=True,
                link_values=kept,
                look_first=False,  # social_login found nobody linked before the signup
            )
            linked = owner.pk == user.pk
            if not linked:
                # Someone else was linked to this ID during the signup: keep this customer
                # unlinked with the ID; `keymap_link_accounts` merges the two, audited.
                logger.warning("social signup raced a link for the same server_custom_id")
        if not linked:
            PartnerLink.objects.create(user=user, server_custom_id=custom_id, **kept)
        named = [f for f in USER_FIELDS if f in values and getattr(user, f, values[f]) != values[f]]
        for name in named:
            setattr(user, name, values[name])
        if named:
            user.save(update_fields=named)
    at = timezone.now()
    source = f"partner:{WebhookName.SOCIAL_LOGIN}"
    return {
        name: ProfileChange(values[name], source, at)
        for name in CUSTOMER_FIELDS
        if name in values and (name not in changes or changes[name].value != values[name])
    }


# --- user-ID login ---------------------------------------------------------------------------


def validate_user_id(request: HttpRequest, user_id: str) -> Any | None:
    """The customer for a partner user ID the partner confirmed (200), ``None`` on 404.

    Raises :class:`PartnerRefused` on other 4xx and :class:`PartnerUnavailable` on faults.
    """
    config = load()
    hook = config.webhook(WebhookName.USER_VALIDATION)
    if hook is None:
        return None
    answer = client.validate_user(hook, user_id=user_id)
    if answer.status == 404:
        return None
    if not answer.ok:
        raise PartnerRefused(answer.reason or _("The partner refused this user ID."), answer)
    if config.account_linking:
        found = find_linked(user_id)
        if found is not None:
            return found[0]
    create = creator(
        PARTNER_CHANNEL, username_hint=f"user-{user_id}", request=request, proven=False
    )
    with transaction.atomic():
        if config.account_linking:
            user, _link = linked_user(user_id, create=create)
        else:
            user, _link = unlinked_user(user_id, create=create)
    return user
