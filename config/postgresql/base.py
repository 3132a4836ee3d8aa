"""Django's PostgreSQL backend with a connection health check that costs no round trip.

``CONN_HEALTH_CHECKS`` keeps a database restart from failing the first request of every
worker, but Django checks with a ``SELECT 1`` before the first query of every request: one
more round trip per request, about a tenth of a returning login's statements. A server
that went away (restart, crash, ``pg_terminate_backend``) has closed the socket or sent
its last message, so an idle connection's socket is readable; only then is ``SELECT 1``
asked. An unreadable socket is used as is: a peer that vanished without closing (a host
gone) fails the request's first query, as it would have failed (after a timeout) the
``SELECT 1``, and Django closes the connection at the request's end.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed or getattr(conn, "broken", False):
            return False
        try:
            readable = _readable(conn.fileno())
        except (OSError, ValueError):
            return False
        return not readable or super().is_usable()


def _readable(fd: int) -> bool:
    # poll() has no FD_SETSIZE limit (select() refuses descriptors above 1023).
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([fd], [], [], 0)
    return bool(readable)
