"""Customers: the one writer of ``Customer`` rows.

Joining (with the welcome benefits, exactly once), profile values with where each came from
and when, marketing consent with one rule for who wins, and deleting an account. Other apps
never save a ``Customer`` themselves; they call these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .. import crypto, users
from ..host import get_host_adapter
from ..models import AccountDeletion, Customer, JoinChannel, StoreSettings, WelcomedAccount
from ..signals import account_deleting, customer_created

if TYPE_CHECKING:  # the configured user model, as django-stubs resolves it
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


PROFILE_FIELDS = ("nickname", "birthday", "gender", "phone")
CONSENT_FIELDS = ("marketing_consent", "marketing_consent_at")


def _stamp(customer: Customer, fields: list[str], source: str, at: datetime) -> None:
    sources = dict(customer.profile_sources or {})
    for name in fields:
        sources[name] = {"source": source, "at": at.isoformat()}
    customer.profile_sources = sources


def get_customer(user: User) -> Customer:
    """The user's profile, created on first use (admins, users from before the shop)."""
    customer, _created = Customer.objects.get_or_create(user=user)
    return customer


@transaction.atomic
def onboard(
    user: User,
    channel: str = JoinChannel.STORE,
    *,
    request: HttpRequest | None = None,
    profile: dict[str, Any] | None = None,
) -> Customer:
    """Give a new user their profile and the store's welcome benefits, exactly once.

    Every way of joining calls this (store signup, any social provider, the partner's
    user database), so that all customers get the same services.
    """
    customer, created = Customer.objects.select_for_update().get_or_create(
        user=user, defaults={"join_channel": channel}
    )
    if not created and customer.welcome_granted_at is not None:
        return customer
    if profile:
        _apply(customer, profile, source=f"join:{channel}", now=timezone.now())
    customer.join_channel = channel if created else customer.join_channel
    get_host_adapter().grant_welcome_benefits(customer, StoreSettings.load())
    customer.welcome_granted_at = timezone.now()
    customer.save()
    _joined(customer, request)
    return customer


def welcomed_digests(provider: str, uid: str) -> list[str]:
    """The keyed hash of a provider account under every key that may have written it (the
    first is written): the keys of ``STORE_SECRETS_KEY``, then ``SECRET_KEY`` and its
    fallbacks, so that no rotation forgets who was welcomed."""
    keys = crypto.hmac_keys(",".join(crypto.configured_keys()))
    return crypto.keyed_digests("store.welcomed", f"{provider}\x00{uid}", keys)


def join(
    user: User,
    channel: str,
    changes: Mapping[str, ProfileChange],
    *,
    request: HttpRequest | None = None,
    account: tuple[str, str] | None = None,
    welcomed_before: bool | None = None,
) -> Customer:
    """A user created in the caller's transaction joins: its profile row and the welcome
    benefits, like :func:`onboard`, in one INSERT per row.

    Exactly once without a lock: the row is inserted, never looked up, for a user that no
    other transaction can see yet (the customer row is unique per user), and it carries
    ``welcome_granted_at`` in the same transaction as the benefits.

    ``account`` (provider, provider user ID): the benefits come once per such account, not
    once per customer. An account welcomed before (its link ended at the provider, or was
    removed) joins without them; ``welcome_granted_at`` is set all the same, so that no
    later login grants them either. ``welcomed_before``: what the caller already looked up
    (``None``: looked up here).
    """
    # savepoint=False: inside the caller's transaction a fault must undo the whole signup.
    with transaction.atomic(savepoint=False):
        customer = Customer(user=user, join_channel=channel, welcome_granted_at=timezone.now())
        _write(customer, changes, created=True)
        if account is None or _first_welcome(*account, welcomed_before=welcomed_before):
            get_host_adapter().grant_welcome_benefits(customer, StoreSettings.load())
        else:
            logger.warning(
                "customer %s joined via %s with a %s account welcomed before: "
                "no second welcome benefits",
                customer.pk,
                channel,
                account[0],
            )
        _joined(customer, request)
    return customer


def welcomed_accounts(provider: str, uid: str) -> Any:
    """The ``WelcomedAccount`` rows of a provider account, under any key."""
    return WelcomedAccount.objects.filter(digest__in=welcomed_digests(provider, uid))


def _first_welcome(provider: str, uid: str, *, welcomed_before: bool | None) -> bool:
    """Record the account as welcomed; False when it was already (one query to write, one
    more to look unless the caller looked)."""
    if welcomed_before is None:
        welcomed_before = welcomed_accounts(provider, uid).exists()
    if welcomed_before:
        return False
    WelcomedAccount.objects.create(
        digest=welcomed_digests(provider, uid)[0], provider=provider[:30]
    )
    return True


def _joined(customer: Customer, request: HttpRequest | None) -> None:
    logger.info("customer %s joined via %s", customer.pk, customer.join_channel)
    transaction.on_commit(
        lambda: customer_created.send(sender=Customer, customer=customer, request=request)
    )


def join_deferred(user: User, channel: str) -> Customer:
    """A customer whose identity is not proven yet (a user-ID join): no welcome benefits.

    They come with the first stronger login (:func:`onboard_deferred`): a user ID is no
    secret, and whoever knows one must not receive, nor later spend, what the shop gives.
    """
    customer, _created = Customer.objects.get_or_create(
        user=user, defaults={"join_channel": channel}
    )
    return customer


def onboard_deferred(user: User, *, request: HttpRequest | None = None) -> Customer | None:
    """The welcome benefits of a :func:`join_deferred` customer, at a stronger login.

    Customers created by the shop's own lazy profile (admins, users from before the shop)
    joined through no channel of ours (``store`` and never welcomed) and get nothing here.
    """
    descriptor = type(user).customer  # type: ignore[attr-defined]
    if descriptor.is_cached(user):
        loaded = user.customer  # type: ignore[attr-defined]
        if loaded is None or loaded.welcome_granted_at is not None:
            return None  # welcomed already (never undone): no query
    pending = (
        Customer.objects.filter(user=user, welcome_granted_at__isnull=True, deleted_at__isnull=True)
        .values_list("join_channel", flat=True)
        .first()
    )
    if pending is None or pending == JoinChannel.STORE:
        return None
    return onboard(user, pending, request=request)


@dataclass(frozen=True)
class ProfileChange:
    """One profile value to write, with where it came from and when it was stated."""

    value: Any
    source: str  # "provider:kakao", "form", "partner:social_login", "kakao_sync", ...
    at: datetime


def create_or_update(
    user: User, channel: str, changes: Mapping[str, ProfileChange], *, new_user: bool = False
) -> Customer:
    """The user's profile with ``changes`` (profile fields and marketing consent).

    ``new_user``: the user was created in the caller's transaction, so the row is inserted
    without looking first (one query). Otherwise a row that exists already is locked and
    updated, not duplicated.
    """
    if new_user:
        return _write(Customer(user=user, join_channel=channel), changes, created=True)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().filter(user=user).first()
        if customer is None:
            return _write(Customer(user=user, join_channel=channel), changes, created=True)
        return _write(customer, changes, created=False)


def _write(customer: Customer, changes: Mapping[str, ProfileChange], *, created: bool) -> Customer:
    changed: list[str] = []
    for name, change in changes.items():
        if name in PROFILE_FIELDS:
            changed += _apply(customer, {name: change.value}, source=change.source, now=change.at)
        elif name == "marketing_consent":
            changed += _consent(customer, bool(change.value), source=change.source, at=change.at)
    if created:
        customer.save()
    elif changed:
        customer.save(update_fields=[*dict.fromkeys(changed), "profile_sources"])
    return customer


def _apply(customer: Customer, values: dict[str, Any], *, source: str, now: datetime) -> list[str]:
    changed = [f for f in PROFILE_FIELDS if f in values and getattr(customer, f) != values[f]]
    for name in changed:
        setattr(customer, name, values[name])
    if changed:
        _stamp(customer, changed, source, now)
    return changed


def update_profile(customer: Customer, values: dict[str, Any], *, source: str) -> list[str]:
    """Write the profile values that differ (one UPDATE, none when nothing changed)."""
    changed = _apply(customer, values, source=source, now=timezone.now())
    if changed:
        customer.save(update_fields=[*changed, "profile_sources"])
    return changed


def _consent(customer: Customer, consent: bool, *, source: str, at: datetime) -> list[str]:
    # One rule for every writer: the newest statement wins (the form filled in after
    # Kakao's terms were read, or Kakao's terms read at a later login).
    recorded = (customer.profile_sources or {}).get("marketing_consent") or {}
    if recorded.get("at") and recorded["at"] > at.isoformat():
        return []
    if customer.marketing_consent == consent:
        return []
    customer.marketing_consent = consent
    customer.marketing_consent_at = at if consent else None
    _stamp(customer, ["marketing_consent"], source, at)
    return list(CONSENT_FIELDS)


def set_marketing_consent(
    user: User,
    consent: bool,
    *,
    source: str,
    at: datetime | None = None,
    customer: Customer | None = None,
) -> bool:
    """Record a marketing consent statement; whether the row changed.

    ``customer`` may be passed when already loaded (no read then).
    """
    customer = customer if customer is not None else get_customer(user)
    changed = _consent(customer, consent, source=source, at=at or timezone.now())
    if changed:
        Customer.objects.filter(pk=customer.pk).update(
            **{f: getattr(customer, f) for f in (*changed, "profile_sources")}
        )
    return bool(changed)


def clear_merged_profile(user: User) -> None:
    """The merged-away customer keeps no nickname (it would show up next to the target)."""
    Customer.objects.filter(user=user).update(nickname="")


@transaction.atomic
def delete_account(user: User) -> AccountDeletion:
    """Remove the customer's personal data; orders stay, anonymised.

    The host adapter erases what the shop's commerce keeps (orders anonymised, unused
    coupons or vouchers dropped); other apps hook in through ``account_deleting``
    (tombstones, unlinking at providers).
    The user row is kept, deactivated and renamed, so that orders and audit rows keep a
    valid reference while nothing personal remains.
    """
    customer = get_customer(user)
    record = _erase(user, customer)
    # Orders stay with an anonymous customer row so the shop's accounting is intact.
    customer.nickname = ""
    customer.birthday = None
    customer.gender = ""
    customer.phone = ""
    customer.marketing_consent = False
    customer.marketing_consent_at = None
    customer.profile_sources = {}
    customer.deleted_at = timezone.now()
    customer.save()
    get_user_model()._default_manager.filter(pk=user.pk).update(
        **users.erased_values(user), is_active=False, password="!deleted"
    )
    logger.info("account %s deleted", user.pk)
    return record


def delete_user_row(user: User) -> AccountDeletion | None:
    """The plugin's deletion for a user row that the host deletes itself (Oscar's "Delete
    profile", the admin, ``user.delete()``): called by ``store.deleted_users`` inside
    Django's deletion, before the row and what cascades from it are deleted.

    The same erasure as :func:`delete_account` (``account_deleting``, the host adapter's
    erasure, the deletion record), nothing written that the row's deletion removes anyway.
    ``None`` when the plugin's deletion ran before (a customer deleted with
    :func:`delete_account` whose row the host now removes): it runs once.
    """
    customer = Customer.objects.filter(user=user).first()
    if customer is not None and customer.deleted_at is not None:
        return None
    # Never saved: a user who never became a customer (staff) leaves no row behind.
    record = _erase(user, customer if customer is not None else Customer(user=user))
    logger.info("user %s deleted by the host: the plugin's deletion ran first", user.pk)
    return record


def _erase(user: User, customer: Customer) -> AccountDeletion:
    account_deleting.send(sender=Customer, user=user, customer=customer)
    erased = get_host_adapter().erase_personal_data(user)
    record = AccountDeletion.objects.create(
        user_id=str(user.pk),
        join_channel=customer.join_channel,
        orders_kept=erased.get("orders", 0),
    )
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    logger.info("account %s: erased %s", user.pk, erased)
    return record
