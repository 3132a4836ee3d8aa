#!/usr/bin/env python
"""Run a command against a throw-away PostgreSQL server.

Starts a PostgreSQL 15 server in a temporary directory (as the ``postgres`` user when run
as root, since the server refuses to run as root), listening on 127.0.0.1 on a free port so
that concurrency tests can open many connections; runs the command with ``DATABASE_URL``
pointing at it; stops the server and removes the directory, whatever the command did.

    python scripts/with_postgres.py pytest -m "not e2e"
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def _bindir() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for path in candidates:
        if os.path.exists(os.path.join(path, "initdb")):
            return path
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    sys.exit("PostgreSQL server binaries not found: apt-get install -y postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit(__doc__)
    bindir = _bindir()
    tmp = tempfile.mkdtemp(prefix="store-pg-")
    os.chmod(tmp, 0o755)
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    data, log, port = os.path.join(tmp, "data"), os.path.join(tmp, "log"), _free_port()
    pg_ctl = os.path.join(bindir, "pg_ctl")
    subprocess.run(
        _as_postgres([os.path.join(bindir, "initdb"), "-D", data, "-A", "trust", "-U", "postgres"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = (
        f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        _as_postgres([pg_ctl, "-D", data, "-o", options, "-l", log, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        env = dict(os.environ)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{port}/postgres"
        env["STORE_EXPECT_DB"] = "postgresql"
        started = time.monotonic()
        code = subprocess.call(argv, env=env)
        print(f"[with_postgres] command finished in {time.monotonic() - started:.1f}s", flush=True)
        return code
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
