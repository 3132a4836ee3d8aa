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
