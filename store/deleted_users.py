"""Whatever deletes a user, the plugin's deletion runs first.

The plugin's own deletion (``customers.delete_account``) keeps the user row, deactivated and
renamed. A host deletes the row itself: Oscar's "Delete profile" (``user.delete()``), the
admin's delete page and its bulk action, ``User.objects.filter(...).delete()`` in host code.
``pre_delete`` on the user model reaches every one of these, where replacing one host view
would cover that view only; so each of them runs :func:`customers.delete_user_row` inside
Django's deletion (its transaction): tombstones, unlinking at Kakao after the commit, the
host adapter's erasure, the deletion record. A deletion that rolls back undoes all of it and
unlinks nothing.

Django has collected what cascades from the row before ``pre_delete`` is sent, so a row the
erasure writes for the user (a revocation record) would outlive the user and break the
deletion's foreign key: rows written meanwhile go the way the model says
(``on_delete``), as the collected ones do.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import pre_delete

logger = logging.getLogger(__name__)

_CASCADE, _SET_NULL = models.CASCADE, models.SET_NULL


def _references(user: Any) -> list[tuple[Any, set[Any]]]:
    """Each relation to the user that Django's deletion handles, with the rows it has now."""
    found = []
    # As Django's deletion finds them, hidden ones (``related_name="+"``) included.
    for relation in user._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_one or relation.one_to_many):
            continue
        if relation.on_delete not in (_CASCADE, _SET_NULL):
            continue
        rows = relation.related_model._base_manager.filter(**{relation.field.name: user})
        found.append((relation, set(rows.values_list("pk", flat=True))))
    return found


def on_user_deleting(sender: Any, instance: Any, using: str, **kwargs: Any) -> None:
    from .services import customers

    before = _references(instance)
    if customers.delete_user_row(instance) is None:
        return
    for relation, pks in before:
        manager = relation.related_model._base_manager.using(using)
        written = manager.filter(**{relation.field.name: instance}).exclude(pk__in=pks)
        if relation.on_delete is _CASCADE:
            written.delete()
        else:
            written.update(**{relation.field.name: None})


def connect() -> None:
    pre_delete.connect(
        on_user_deleting, sender=get_user_model(), dispatch_uid="store.deleted_users.erase"
    )
