"""A real PgBouncer in transaction mode in front of the test run's PostgreSQL server.

Started as the ``postgres`` user (PgBouncer refuses to run as root) on a free port of
127.0.0.1, forwarding every database name to the server of ``DATABASE_URL``, with one
server connection per database and user: every client's transaction runs on the same
server session, as on a busy pooler, so nothing tied to a session can hold.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


def _binary() -> str:
    for found in (shutil.which("pgbouncer"), "/usr/sbin/pgbouncer"):
        if found and os.path.exists(found):
            return found
    raise AssertionError("pgbouncer not found: apt-get install -y pgbouncer (make system-packages)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def transaction_pooler() -> Iterator[int]:
    """The port PgBouncer listens on, while the block runs."""
    server = urlsplit(os.environ["DATABASE_URL"])
    tmp = tempfile.mkdtemp(prefix="store-pgbouncer-")
    port = _free_port()
    ini = os.path.join(tmp, "pgbouncer.ini")
    with open(ini, "w") as f:
        f.write(
            "[databases]\n"
            f"* = host={server.hostname} port={server.port} user={server.username}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir = {tmp}\n"
            "auth_type = any\npool_mode = transaction\ndefault_pool_size = 1\n"
            "max_client_conn = 100\nignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {tmp}/pgbouncer.log\n"
        )
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
        shutil.chown(ini, "postgres", "postgres")
    process = subprocess.Popen(
        [*as_postgres, _binary(), ini], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    log = Path(tmp, "pgbouncer.log").read_text()[-2000:]
                    raise AssertionError(f"PgBouncer did not start:\n{log}") from None
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
