"""A lock on a name, held until the request ends (PostgreSQL).

Two requests that would both create the same thing (the first login of one social
account, arriving twice at once) take turns: the second waits until the first's request has
finished, so it finds what the first wrote. The lock is a row (``store.RequestLock``), not a
cache entry: correctness does not depend on Redis. Nor is it a session advisory lock: a
pooler in transaction mode (PgBouncer) or Django's own pool hands the server connection to
another client between transactions, so a lock tied to the connection would be held by
whoever gets it next, or given back on a connection that never took it. The row is written
in its own statement (committed at once, outside any transaction), deleted when the request
ends (``request_finished``), and taken over after ``HOLD_FOR`` if its worker died.

On other databases (SQLite, one machine) there is no lock: writes are serialised by the
database file and the unique constraints still refuse a second row.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.models import Q
from django.utils import timezone

POLL = 0.05
# Longer than any request may run (gunicorn's default timeout is 30 s): a live holder's
# row is never taken over.
HOLD_FOR = timedelta(seconds=60)
_held = threading.local()


def _key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


def supported() -> bool:
    """Whether the database takes these locks (else :func:`hold_until_request_ends` is free)."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def _table() -> str:
    from .models import RequestLock

    return connections[DEFAULT_DB_ALIAS].ops.quote_name(RequestLock._meta.db_table)


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
    held: dict[int, uuid.UUID] = _held.__dict__.setdefault("keys", {})
    if key in held:
        return None
    holder = uuid.uuid4()
    # One statement per try: a free name is inserted, a dead holder's row taken over, a live
    # one left alone (no row comes back).
    # The table name is the model's own, every value a parameter.
    sql = (
        f"INSERT INTO {_table()} (key, holder, expires_at) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, "
        f"expires_at = EXCLUDED.expires_at WHERE {_table()}.expires_at < %s RETURNING holder"
    )
    deadline = time.monotonic() + wait
    waited = None
    with connection.cursor() as cursor:
        while True:
            now = timezone.now()
            cursor.execute(sql, [key, holder, now + HOLD_FOR, now])
            if cursor.fetchone() is not None:
                break
            if time.monotonic() >= deadline:
                return False
            waited = True
            time.sleep(POLL)
    held[key] = holder
    return waited


def release_all(**kwargs: Any) -> None:
    """``request_finished``: give back the locks this request took."""
    held: dict[int, uuid.UUID] = _held.__dict__.pop("keys", {})
    if not held:
        return
    from .models import RequestLock

    # Any connection will do (the pool may have handed this request another one); the
    # holder makes sure that a row taken over by another request stays.
    mine = Q()
    for key, holder in held.items():
        mine |= Q(key=key, holder=holder)
    try:
        RequestLock.objects.filter(mine).delete()
    except Error:
        # The database is away: the rows expire after HOLD_FOR, and the next request takes
        # them over.
        connections[DEFAULT_DB_ALIAS].close()
