"""The demo's PostgreSQL backend checks a kept connection without a round trip.

A healthy idle connection is reused without ``SELECT 1``; one the server cut (as a restart
does) is found dead before the request's first query and replaced, so the request succeeds.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection
from django.db.backends.postgresql import base as django_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def selects_one(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    asked: list[int] = []
    real = django_postgresql.DatabaseWrapper.is_usable

    def counting(self: django_postgresql.DatabaseWrapper) -> bool:
        asked.append(1)
        return real(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", counting)
    return asked


def _new_request() -> None:
    # What Django does at request_started with CONN_HEALTH_CHECKS on.
    close_old_connections()
    connection.health_check_done = False  # type: ignore[attr-defined]


def test_the_demo_uses_it_with_health_checks_on() -> None:
    assert settings.DATABASES["default"]["ENGINE"] == "config.postgresql"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_healthy_connection_is_reused_without_select_one(selects_one: list[int]) -> None:
    get_user_model().objects.count()
    kept = connection.connection
    for _ in range(3):
        _new_request()
        get_user_model().objects.count()
    assert connection.connection is kept
    assert selects_one == []


def test_a_connection_the_server_cut_is_replaced_before_the_first_query(
    selects_one: list[int],
) -> None:
    get_user_model().objects.count()
    kept = connection.connection
    pid = kept.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"], autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])  # as a restart cuts it
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    _new_request()
    assert get_user_model().objects.count() >= 0  # no error: a new connection answered
    assert connection.connection is not kept
    assert selects_one  # the readable socket was confirmed dead with SELECT 1
