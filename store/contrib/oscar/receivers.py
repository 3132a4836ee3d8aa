"""Hooks the Oscar adapter into today's onboarding, deletion and merge code.

``store.services`` calls the built-in commerce directly for now; until it asks
``get_host_adapter()`` itself, these receivers add the Oscar part (the welcome voucher,
erasing Oscar's data, moving Oscar's data on merge). Each acts only while
``STORE_HOST_ADAPTER`` is an ``OscarHostAdapter``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError

from store import registry
from store.host import get_host_adapter
from store.signals import account_deleting, customer_created

from .adapter import OscarHostAdapter, erase_oscar_data, issue_welcome_voucher, merge_oscar_data

logger = logging.getLogger("store.oscar")


def _oscar_adapter_on() -> bool:
    return isinstance(get_host_adapter(), OscarHostAdapter)


def issue_voucher_on_join(sender: Any, customer: Any, **kwargs: Any) -> None:
    # Onboarding already gave the ledger's points; the coupon becomes an Oscar voucher.
    if not _oscar_adapter_on():
        return
    from store.models import StoreSettings

    template = StoreSettings.load().welcome_coupon
    if template is None:
        return
    try:
        welcome = issue_welcome_voucher(customer.user, template)
    except DatabaseError:
        # Runs after the customer's signup committed: the login stands, the voucher (one
        # transaction, nothing half-written) is missing and the log says so.
        logger.exception("welcome voucher for customer %s could not be issued", customer.pk)
        return
    logger.info("welcome voucher %s issued to customer %s", welcome.voucher_id, customer.pk)


def erase_on_delete(sender: Any, user: Any, **kwargs: Any) -> None:
    if _oscar_adapter_on():
        logger.info("account %s: Oscar data erased %s", user.pk, erase_oscar_data(user))


def merge_handler(source: Any, target: Any) -> dict[str, int]:
    return merge_oscar_data(source, target) if _oscar_adapter_on() else {}


def connect() -> None:
    customer_created.connect(issue_voucher_on_join, dispatch_uid="store_oscar.voucher")
    account_deleting.connect(erase_on_delete, dispatch_uid="store_oscar.erase")
    registry.register_merge_handler("oscar", merge_handler)
