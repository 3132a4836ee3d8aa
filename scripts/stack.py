#!/usr/bin/env python
"""``make stack``: the shop in production shape on this machine, until Ctrl-C.

PostgreSQL, Redis, ``--servers`` gunicorn app servers of ``--workers`` workers each (each
on its own loopback port) behind nginx (round robin, no sticky sessions), the sandboxes of
``scripts/demo.py`` and the demo seeded. Everything listens on 127.0.0.1 and lives in one
temporary directory, removed at the end.

``Stack`` is also what ``bench/load/run.py`` starts, for the shop or for plain allauth
(``project="allauth_minimal"``) on the same engines.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))

from demo import SANDBOXES, SEED_COMMANDS, Sandbox, stop_processes  # noqa: E402
from with_postgres import _as_postgres, _bindir  # noqa: E402

PY = sys.executable
HOST = "127.0.0.1"

# What each project runs: its settings, WSGI application, and which sandboxes it talks to.
PROJECTS: dict[str, dict[str, object]] = {
    "shop": {
        "settings": "config.stack_settings",
        "wsgi": "config.wsgi:application",
        "sandboxes": [box.name for box in SANDBOXES],
    },
    "allauth_minimal": {
        "settings": "bench.allauth_minimal.settings",
        "wsgi": "bench.allauth_minimal.wsgi:application",
        "sandboxes": ["kakao"],
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for(port: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"process for port {port} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing answers on {HOST}:{port}")


def rewired(box: Sandbox, port: int) -> dict[str, str]:
    """The sandbox's environment for the shop, with its demo port replaced by ``port``."""
    return {k: v.replace(f"{HOST}:{box.port}", f"{HOST}:{port}") for k, v in box.env.items()}


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    include /etc/nginx/mime.types;
    upstream app {{
{servers}
        keepalive 32;
    }}
    server {{
        listen {host}:{port};
        location /static/ {{ alias {static}/; }}
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@dataclass
class Stack:
    """Engines, sandboxes, app servers and the proxy; ``with Stack(...) as s:`` stops all."""

    project: str = "shop"
    servers: int = 2
    workers: int = 3
    port: int = 0
    trusted_proxies: int = 1
    quiet: bool = True
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="store-stack-")))
    env: dict[str, str] = field(default_factory=dict)
    sandbox_urls: dict[str, str] = field(default_factory=dict)
    server_ports: list[int] = field(default_factory=list)
    database_url: str = ""
    _procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _app_procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _pg: tuple[str, str] | None = None
    _pg_start: list[str] = field(default_factory=list)
    _redis: subprocess.Popen[bytes] | None = None
    _redis_port: int = 0
    _sandboxes: dict[str, tuple[list[str], subprocess.Popen[bytes]]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _spawn(self, cmd: list[str], log: str, **kw: object) -> subprocess.Popen[bytes]:
        out = open(self.tmp / log, "ab")  # noqa: SIM115 - kept open for the process's life
        if self.env:
            kw.setdefault("env", self.env)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, **kw)  # type: ignore[call-overload]
        self._procs.append(proc)
        return proc

    # --- engines --------------------------------------------------------------------

    def start_postgres(self) -> str:
        bindir, port = _bindir(), free_port()
        pgdir = self.tmp / "pg"
        pgdir.mkdir()
        if os.geteuid() == 0:
            os.chmod(self.tmp, 0o755)
            shutil.chown(pgdir, "postgres", "postgres")
        data = str(pgdir / "data")
        subprocess.run(
            _as_postgres([f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # pg_stat_statements: the load benchmark counts the queries of a login with it.
        options = (
            f"-p {port} -k {pgdir} -c listen_addresses={HOST} -c max_connections=200 "
            "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
        )
        self._pg_start = _as_postgres(
            [f"{bindir}/pg_ctl", "-D", data, "-o", options, "-l", f"{pgdir}/log", "-w", "start"]
        )
        subprocess.run(self._pg_start, check=True, stdout=subprocess.DEVNULL)
        self._pg = (f"{bindir}/pg_ctl", data)
        for db in PROJECTS:
            subprocess.run(
                _as_postgres(
                    [f"{bindir}/createdb", "-h", HOST, "-p", str(port), "-U", "postgres", db]
                ),
                check=True,
            )
        return f"postgres://postgres@{HOST}:{port}/{self.project}"

    def stop_postgres(self, mode: str = "immediate") -> None:
        """Stop PostgreSQL (``immediate``: connections in use are cut, as in a crash)."""
        assert self._pg is not None
        pg_ctl, data = self._pg
        subprocess.run(
            _as_postgres([pg_ctl, "-D", data, "-m", mode, "-w", "stop"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_postgres_again(self) -> None:
        subprocess.run(self._pg_start, check=True, stdout=subprocess.DEVNULL)

    def stop_redis(self) -> None:
        assert self._redis is not None
        stop_processes([self._redis])

    def start_redis(self) -> str:
        """Start Redis; again on the same port after :meth:`stop_redis`."""
        port = self._redis_port = self._redis_port or free_port()
        proc = self._redis = self._spawn(
            [
                "redis-server", "--port", str(port), "--bind", HOST, "--save", "",
                "--appendonly", "no", "--dir", str(self.tmp),
            ],
            "redis.log",
        )  # fmt: skip
        wait_for(port, proc)
        return f"redis://{HOST}:{port}/0"

    # --- sandboxes ------------------------------------------------------------------

    def start_sandboxes(self) -> None:
        wanted = PROJECTS[self.project]["sandboxes"]
        for box in SANDBOXES:
            if box.name not in wanted:  # type: ignore[operator]
                continue
            port = free_port()
            self.env.update(rewired(box, port))
            cmd = [PY, "-m", box.module, "--host", HOST, "--port", str(port)]
            self._sandboxes[box.name] = (cmd, self._spawn(cmd, f"sandbox-{box.name}.log"))
            self.sandbox_urls[box.name] = f"http://{HOST}:{port}"
        self.env["KAKAO_SANDBOX_URL"] = self.sandbox_urls.get("kakao", "")
        for cmd, proc in self._sandboxes.values():
            wait_for(int(cmd[-1]), proc)

    def stop_sandbox(self, name: str) -> None:
        """Stop a sandbox: its port then refuses connections (the fault tests)."""
        stop_processes([self._sandboxes[name][1]])

    def start_sandbox(self, name: str) -> None:
        """Start a stopped sandbox again on its port (with a fresh state)."""
        cmd, _old = self._sandboxes[name]
        proc = self._spawn(cmd, f"sandbox-{name}.log")
        self._sandboxes[name] = (cmd, proc)
        wait_for(int(cmd[-1]), proc)

    # --- the project ----------------------------------------------------------------

    def prepare(self) -> None:
        """Migrate and seed (once, before the servers start)."""
        if self.project == "allauth_minimal":
            subprocess.run(
                [PY, "-m", "bench.allauth_minimal.seed"], cwd=ROOT, env=self.env, check=True
            )
            return
        manage = [PY, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=self.env, check=True)
        for command in SEED_COMMANDS:
            subprocess.run([*manage, command], env=self.env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*manage, "collectstatic", "--no-input", "-v", "0"], env=self.env, check=True
        )

    def start_servers(self, servers: int, workers: int) -> None:
        """(Re)start the app servers and the proxy with this many servers and workers."""
        self.stop_servers()
        self.servers, self.workers = servers, workers
        wsgi = str(PROJECTS[self.project]["wsgi"])
        self.server_ports = [free_port() for _ in range(servers)]
        for i, port in enumerate(self.server_ports):
            cmd = [
                PY, "-m", "gunicorn", wsgi, "--bind", f"{HOST}:{port}", "--workers", str(workers),
                "--worker-class", "sync", "--backlog", "2048", "--timeout", "60",
                "--name", f"{self.project}-{i + 1}",
            ]  # fmt: skip
            proc = self._spawn(cmd, f"gunicorn-{i + 1}.log", env=self.env)
            self._app_procs.append(proc)
        for port, proc in zip(self.server_ports, self._app_procs, strict=True):
            wait_for(port, proc)
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                tmp=self.tmp,
                host=HOST,
                port=self.port,
                static=ROOT / "var" / "static",
                servers="\n".join(f"        server {HOST}:{p};" for p in self.server_ports),
            )
        )
        proxy = self._spawn(
            [
                "nginx",
                "-c",
                str(conf),
                "-p",
                str(self.tmp),
                "-e",
                str(self.tmp / "nginx-error.log"),
            ],
            "nginx.log",
        )
        self._app_procs.append(proxy)
        wait_for(self.port, proxy)

    def stop_servers(self) -> None:
        stop_processes(self._app_procs)
        self._procs = [p for p in self._procs if p not in self._app_procs]
        self._app_procs = []

    def worker_pids(self) -> list[int]:
        """PIDs of the gunicorn workers of the first app server (children of its master)."""
        master = self._app_procs[0].pid
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False
        )
        return [int(p) for p in out.stdout.split()]

    def __enter__(self) -> Stack:
        try:
            self.env = dict(os.environ)
            self.database_url = self.start_postgres()
            self.env.update(
                {
                    "DJANGO_SETTINGS_MODULE": str(PROJECTS[self.project]["settings"]),
                    "DATABASE_URL": self.database_url,
                    "REDIS_URL": self.start_redis(),
                    "DJANGO_DEBUG": "0",
                    "DJANGO_SECRET_KEY": "stack-only-secret-key-not-for-production",
                    "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
                    "STORE_SECRETS_KEY": "stack-only-secrets-key-change-me",
                    "ALLAUTH_TRUSTED_PROXY_COUNT": str(self.trusted_proxies),
                    "PYTHONPATH": str(ROOT),
                }
            )
            self.port = self.port or free_port()
            # The Kakao sandbox sends its webhooks to the shop through the proxy.
            self.env["DEMO_SHOP_URL"] = self.url
            self.start_sandboxes()
            self.prepare()
            self.start_servers(self.servers, self.workers)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_servers()
        stop_processes(self._procs)
        if self._pg:
            pg_ctl, data = self._pg
            subprocess.run(
                _as_postgres([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                check=False,
            )
            self._pg = None
        shutil.rmtree(self.tmp, ignore_errors=True)


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=2, help="gunicorn app servers (2)")
    parser.add_argument("--workers", type=int, default=3, help="workers per server (3)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("STACK_PORT", "8200")))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with Stack(servers=args.servers, workers=args.workers, port=args.port) as stack:
            print(f"\n  Shop:  {stack.url}/   Admin: {stack.url}/admin/ (admin / admin-demo-1234)")
            for i, port in enumerate(stack.server_ports, 1):
                print(f"  app server {i}: http://{HOST}:{port}/ ({stack.workers} workers)")
            for name, url in stack.sandbox_urls.items():
                print(f"  {name} sandbox: {url}/")
            print(f"  PostgreSQL: {stack.database_url}\n  Redis: {stack.env['REDIS_URL']}")
            print(f"  logs: {stack.tmp}/*.log   Ctrl-C stops everything.\n", flush=True)
            while all(p.poll() is None for p in stack._app_procs):
                time.sleep(0.5)
            print("an app server or the proxy stopped; stopping the stack")
            return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
