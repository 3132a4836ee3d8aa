"""Client ID generations: archive links on a change, restore them on switching back.

Provider user IDs are issued per client (app). When the admin changes a provider's client
ID, the links made under the old one are moved to ``ArchivedSocialAccount`` with the old
client ID (never deleted): those customers cannot log in with that provider until they
link again. Switching back to an archived client ID restores its links.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ArchivedSocialAccount, ClientIdChange, ProviderClient, ProviderSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChangeResult:
    archived: int
    restored: int


def linked_count(provider_id: str) -> int:
    """Customers linked to ``provider_id`` under its current client ID."""
    return SocialAccount.objects.filter(provider=provider_id).count()


@transaction.atomic
def change_client_id(
    provider_id: str, old_client_id: str, new_client_id: str, *, changed_by: Any = None
) -> ChangeResult:
    if old_client_id == new_client_id:
        return ChangeResult(0, 0)
    archived = 0
    if old_client_id:
        current = list(SocialAccount.objects.select_for_update().filter(provider=provider_id))
        ArchivedSocialAccount.objects.bulk_create(
            [
                ArchivedSocialAccount(
                    provider=provider_id,
                    client_id=old_client_id,
                    user_id=a.user_id,
                    uid=a.uid,
                    extra_data=a.extra_data,
                    date_joined=a.date_joined,
                    last_login=a.last_login,
                )
                for a in current
            ],
            # A link left archived under this client ID (not restorable at the time) gives
            # way to the newer one for the same provider user.
            update_conflicts=True,
            unique_fields=["provider", "client_id", "uid"],
            update_fields=["user", "extra_data", "date_joined", "last_login", "archived_at"],
        )
        SocialAccount.objects.filter(pk__in=[a.pk for a in current]).delete()
        archived = len(current)
    # Without a previous client ID (the first one set) existing links are left alone:
    # nothing says which client they belong to, and removing them would lose them.

    restored = 0
    to_restore = list(
        ArchivedSocialAccount.objects.select_for_update().filter(
            provider=provider_id, client_id=new_client_id
        )
    )
    for row in to_restore:
        if SocialAccount.objects.filter(provider=provider_id, uid=row.uid).exists():
            continue
        account = SocialAccount.objects.create(
            provider=provider_id, uid=row.uid, user_id=row.user_id, extra_data=row.extra_data
        )
        # auto_now fields: put back the original dates of the link.
        SocialAccount.objects.filter(pk=account.pk).update(
            date_joined=row.date_joined, last_login=row.last_login
        )
        row.delete()
        restored += 1
    ClientIdChange.objects.create(
        provider=provider_id,
        old_client_id=old_client_id,
        new_client_id=new_client_id,
        archived=archived,
        restored=restored,
        changed_by=changed_by if getattr(changed_by, "pk", None) else None,
    )
    logger.info(
        "client ID of %s changed: %s link(s) archived, %s restored", provider_id, archived, restored
    )
    return ChangeResult(archived, restored)


def app_client_problem(provider_id: str, client_id: str, *, exclude_pk: Any = None) -> str | None:
    """Why ``client_id`` cannot be added as an app client of ``provider_id`` (None: it can).

    An app client is another client of the same app or project, so it is never the web
    client itself, and each is listed once.
    """
    client_id = client_id.strip()
    if not client_id:
        return _("Enter the client ID.")
    if not client_id.isprintable() or any(c.isspace() for c in client_id):
        return _("A client ID has no spaces or control characters.")
    main = (
        ProviderSettings.objects.filter(provider=provider_id)
        .values_list("client_id", flat=True)
        .first()
    )
    if main and main == client_id:
        return _("This is the provider's own client ID; it is accepted already.")
    others = ProviderClient.objects.filter(provider=provider_id, client_id=client_id)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        return _("This client ID is listed already.")
    return None
