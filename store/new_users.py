"""Every new user becomes a customer once, whatever created it.

allauth's signups reach onboarding through the login pipeline (``store.onboard``). Users
that a host shop creates itself (its registration form, ``create_user`` in a view, the
admin's "add user") pass no pipeline; ``post_save`` on the user model onboards them on the
store channel once the creating transaction commits. Code that onboards a user itself, with
its own channel, creates it inside :func:`onboarded_by_caller`.

Staff and superusers created as such (``createsuperuser``, a staff account in the admin)
are not customers joining the shop: they get no welcome benefits; their profile is made on
first use (``customers.get_customer``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save

from .models import JoinChannel

logger = logging.getLogger(__name__)

# Scoped to the creating call (a thread or task of its own), so no other request sees it.
_caller_onboards: ContextVar[bool] = ContextVar("store_caller_onboards", default=False)


@contextmanager
def onboarded_by_caller() -> Iterator[None]:
    """Users created inside this block are onboarded by their creator, with its own channel
    (a social signup, a partner's customer): saving them onboards nothing here."""
    token = _caller_onboards.set(True)
    try:
        yield
    finally:
        _caller_onboards.reset(token)


def on_user_saved(sender: Any, instance: Any, created: bool, raw: bool, **kwargs: Any) -> None:
    if not created or raw or _caller_onboards.get():
        return
    if getattr(instance, "is_staff", False) or getattr(instance, "is_superuser", False):
        return
    user_pk = instance.pk
    # After commit: a creation that rolls back onboards nothing, and a pipeline that
    # onboards later in the same transaction (allauth's signup) keeps its own channel.
    transaction.on_commit(lambda: _onboard(user_pk))


def _onboard(user_pk: Any) -> None:
    from .services import customers

    user = get_user_model()._default_manager.filter(pk=user_pk).first()
    if user is None:
        return
    customers.onboard(user, JoinChannel.STORE)


def connect() -> None:
    post_save.connect(
        on_user_saved, sender=get_user_model(), dispatch_uid="store.new_users.onboard"
    )
