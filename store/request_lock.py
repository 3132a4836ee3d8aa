"""A lock on a name, held by the database until the request ends (PostgreSQL).

Two requests that would both create the same thing (the first login of one social
account, arriving twice at once) take turns: the second waits until the first's request has
finished, so it finds what the first wrote. The lock is a PostgreSQL session advisory lock,
not a cache entry: correctness does not depend on Redis. It ends with the request
(``request_finished``) or, if the worker dies, with its database connection.

On other databases (SQLite, one machine) there is no lock: writes are serialised by the
database file and the unique constraints still refuse a second row.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from django.db import DEFAULT_DB_ALIAS, Error, connections

POLL = 0.05
_held = threading.local()


def _key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


def supported() -> bool:
    """Whether the database takes these locks (else :func:`hold_until_request_ends` is free)."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def hold_until_request_ends(name: str, *, wait: float) -> bool | None:
    """Take the lock ``name`` for the rest of this request.

    ``True`` when it had to wait for another request (which may have written meanwhile),
    ``None`` when it was free (or the database takes no locks), ``False`` after ``wait``
    seconds without it.
    """
    if not supported():
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    key = _key(name)
    keys: list[int] = _held.__dict__.setdefault("keys", [])
    if key in keys:
        return None
    deadline = time.monotonic() + wait
    waited = None
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                return False
            waited = True
            time.sleep(POLL)
    keys.append(key)
    return waited


def release_all(**kwargs: Any) -> None:
    """``request_finished``: give back the locks this request took."""
    keys: list[int] = _held.__dict__.pop("keys", [])
    connection = connections[DEFAULT_DB_ALIAS]
    if not keys or connection.connection is None:
        return  # a closed connection has released them
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
    except Error:
        connection.close()  # closing releases them
