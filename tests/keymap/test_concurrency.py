"""Account linking under parallel logins: one customer per server_custom_id, always."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import Client

from keymap.models import PartnerLink
from store.models import PointEntry, StoreSettings

from .conftest import configure_partner

User = get_user_model()


def test_database_refuses_two_linked_customers_for_one_id(db) -> None:
    a, b = User.objects.create_user("a"), User.objects.create_user("b")
    PartnerLink.objects.create(user=a, server_custom_id="X", linked=True)
    PartnerLink.objects.create(user=b, server_custom_id="X", linked=False)  # allowed: not linked
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerLink.objects.filter(user=b).update(linked=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerLink.objects.create(user=User.objects.create_user("c"), linked=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_logins_with_one_id_land_on_one_customer(partner_sandbox, settings) -> None:
    settings.KEYMAP_USER_ID_RATE_LIMIT = (1000, 60)
    # allauth counts attempts per login name before they succeed; 12 at once would trip it.
    settings.ACCOUNT_RATE_LIMITS = False
    configure_partner(partner_sandbox.base_url, linking=True, timeout=10)
    store_settings = StoreSettings.load()
    store_settings.welcome_points = 100
    store_settings.save()
    workers = 24
    barrier = threading.Barrier(workers)
    landed: list[int] = []
    errors: list[BaseException] = []

    def login(index: int) -> None:
        client = Client()
        try:
            barrier.wait(timeout=30)
            if index % 2:
                response = client.post("/keymap/login/user-id/", {"user_id": "12345678"})
            else:
                response = client.post(
                    "/accounts/login/", {"login": "gamer123", "password": "gamer-pass-123"}
                )
            assert response.status_code == 302, response.content[-2000:]
            landed.append(int(client.session["_auth_user_id"]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=login, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    assert len(landed) == workers
    assert len(set(landed)) == 1
    assert PartnerLink.objects.filter(server_custom_id="12345678", linked=True).count() == 1
    assert User.objects.count() == 1
    assert PointEntry.objects.filter(reason="welcome").count() == 1
