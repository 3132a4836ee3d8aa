"""The lock held until the request ends: a second request waits, then goes on (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.signals import request_finished
from django.db import connection

from store import request_lock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_other_request(name: str, wait: float, results: list[object]) -> None:
    try:
        results.append(request_lock.hold_until_request_ends(name, wait=wait))
        request_finished.send(sender=None)
    finally:
        connection.close()


def test_a_second_request_waits_for_the_first_to_end_then_is_told_it_waited() -> None:
    assert request_lock.hold_until_request_ends("social-login:kakao:1", wait=1) is None
    results: list[object] = []
    other = threading.Thread(target=_in_other_request, args=("social-login:kakao:1", 5, results))
    other.start()
    time.sleep(0.3)
    assert results == []  # still waiting
    request_finished.send(sender=None)  # the first request ends
    other.join(timeout=10)
    assert results == [True]


def test_a_lock_never_given_back_refuses_after_the_wait_and_others_are_free() -> None:
    assert request_lock.hold_until_request_ends("partner-link:42", wait=1) is None
    results: list[object] = []
    for name in ("partner-link:42", "partner-link:43"):
        other = threading.Thread(target=_in_other_request, args=(name, 0.3, results))
        other.start()
        other.join(timeout=10)
    assert results == [False, None]
    request_finished.send(sender=None)


def test_a_holder_that_died_is_taken_over_after_its_time() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from store.models import RequestLock

    assert request_lock.hold_until_request_ends("social-login:kakao:7", wait=1) is None
    request_lock._held.__dict__.pop("keys")  # the worker died: its request never ended
    results: list[object] = []
    other = threading.Thread(target=_in_other_request, args=("social-login:kakao:7", 0.3, results))
    other.start()
    other.join(timeout=10)
    assert results == [False]  # a live holder is waited for
    RequestLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    other = threading.Thread(target=_in_other_request, args=("social-login:kakao:7", 0.3, results))
    other.start()
    other.join(timeout=10)
    assert results == [False, None]
    assert not RequestLock.objects.exists()  # and given back when that request ended


def test_given_back_on_another_connection_than_the_one_that_took_it() -> None:
    """Django's pool (or a pooler) may hand the request's end another server connection."""
    from store.models import RequestLock

    assert request_lock.hold_until_request_ends("partner-link:9", wait=1) is None
    connection.close()
    request_finished.send(sender=None)
    assert not RequestLock.objects.exists()


def test_held_through_pgbouncer_in_transaction_mode() -> None:
    """One server connection for every client: a lock tied to the session would let the
    second request in at once (the same session takes a session lock again)."""
    from django.db import connections

    from .pgbouncer import transaction_pooler

    with transaction_pooler() as port:
        direct = connections.settings["default"]["PORT"]
        connections.settings["default"]["PORT"] = port
        connection.close()
        connection.settings_dict["PORT"] = port
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW port")  # the server's port: the pooler is in between
                assert int(cursor.fetchone()[0]) == int(direct)
            assert request_lock.hold_until_request_ends("social-login:kakao:2", wait=1) is None
            results: list[object] = []
            args = ("social-login:kakao:2", 5, results)
            other = threading.Thread(target=_in_other_request, args=args)
            other.start()
            time.sleep(0.5)
            assert results == []  # still waiting, on the same server session
            request_finished.send(sender=None)
            other.join(timeout=10)
            assert results == [True]
        finally:
            connection.close()
            connections.settings["default"]["PORT"] = direct
            connection.settings_dict["PORT"] = direct
