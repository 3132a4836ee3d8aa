"""Customers: joining (with the welcome benefits) and deleting an account."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ..models import AccountDeletion, Coupon, Customer, JoinChannel, PointEntry, StoreSettings
from ..signals import account_deleting, customer_created
from . import points

if TYPE_CHECKING:  # the configured user model, as django-stubs resolves it
    from django.contrib.auth.models import User

logger = logging.getLogger("store.customers")


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
    for field, value in (profile or {}).items():
        setattr(customer, field, value)
    customer.join_channel = channel if created else customer.join_channel
    settings_ = StoreSettings.load()
    if settings_.welcome_points:
        points.grant(customer, settings_.welcome_points, PointEntry.Reason.WELCOME)
    if settings_.welcome_coupon_id:
        Coupon.objects.create(
            customer=customer, template_id=settings_.welcome_coupon_id, reason="welcome"
        )
    customer.welcome_granted_at = timezone.now()
    customer.save()
    logger.info("customer %s joined via %s", customer.pk, customer.join_channel)
    transaction.on_commit(
        lambda: customer_created.send(sender=Customer, customer=customer, request=request)
    )
    return customer


@transaction.atomic
def delete_account(user: User) -> AccountDeletion:
    """Remove the customer's personal data; orders stay, anonymised.

    Other apps hook in through ``account_deleting`` (tombstones, unlinking at providers).
    The user row is kept, deactivated and renamed, so that orders and audit rows keep a
    valid reference while nothing personal remains.
    """
    customer = get_customer(user)
    account_deleting.send(sender=Customer, user=user, customer=customer)
    orders = customer.orders.all()
    orders_kept = orders.update(recipient_name="", shipping_address="", anonymised=True)
    record = AccountDeletion.objects.create(
        user_id=user.pk, join_channel=customer.join_channel, orders_kept=orders_kept
    )
    # Orders stay with an anonymous customer row so the shop's accounting is intact.
    customer.nickname = ""
    customer.birthday = None
    customer.gender = ""
    customer.phone = ""
    customer.marketing_consent = False
    customer.marketing_consent_at = None
    customer.deleted_at = timezone.now()
    customer.save()
    customer.coupons.filter(used_at__isnull=True).delete()

    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    user_model = get_user_model()
    user_model._default_manager.filter(pk=user.pk).update(
        **{
            user_model.USERNAME_FIELD: f"deleted-{user.pk}",
            **({"email": ""} if hasattr(user, "email") else {}),
            **({"first_name": "", "last_name": ""} if hasattr(user, "first_name") else {}),
            "is_active": False,
            "password": "!deleted",
        }
    )
    logger.info("account %s deleted, %s orders kept anonymised", user.pk, orders_kept)
    return record
