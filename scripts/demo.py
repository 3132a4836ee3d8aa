#!/usr/bin/env python
"""``make demo``: the demo shop with its sandboxes, offline, on http://127.0.0.1:8000.

Migrates the SQLite database, seeds an admin and products (idempotent), starts every
sandbox in ``SANDBOXES`` as its own process on loopback, points the shop at them through
the environment, and serves the shop until Ctrl-C, which stops everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"
SHOP_PORT = int(os.environ.get("DEMO_PORT", "8000"))


@dataclass(frozen=True)
class Sandbox:
    """A development server the shop talks to, and the environment that wires it in."""

    name: str
    module: str
    port: int
    env: dict[str, str] = field(default_factory=dict)


# Each app with an external API adds its sandbox here.
SANDBOXES: list[Sandbox] = [
    # keymap: the partner's user database (seeded into the shop by `keymap_seed_demo`).
    Sandbox(
        "partner",
        "devtools.sandboxes.partner",
        8766,
        env={
            "KEYMAP_DEMO_PARTNER_URL": "http://127.0.0.1:8766",
            "KEYMAP_DEMO_PARTNER_SECRET": "demo-partner-secret",
        },
    ),
    # kakaosync: Kakao (kauth + kapi) with Kakao Sync's consent screen and webhooks.
    Sandbox(
        "kakao",
        "devtools.sandboxes.kakao",
        8767,
        env={
            "KAKAOSYNC_AUTH_BASE_URL": "http://127.0.0.1:8767",
            "KAKAOSYNC_API_BASE_URL": "http://127.0.0.1:8767",
            "KAKAO_SANDBOX_REST_API_KEY": "",  # the sandbox takes any REST API key
            "KAKAOSYNC_DEMO_SEED": "1",
        },
    ),
    # sociallogin: Naver, Google, Facebook, Apple and LINE (Kakao stays on kakaosync's sandbox,
    # whose hosts kakaosync registers and which win over this URL).
    Sandbox(
        "social",
        "devtools.sandboxes.providers",
        8768,
        env={"SOCIALLOGIN_SANDBOX_URL": "http://127.0.0.1:8768"},
    ),
]


# Management commands that seed the demo, in order (each idempotent).
SEED_COMMANDS: list[str] = [
    "seed_demo",
    "kakaosync_seed_demo",
    "keymap_seed_demo",
    "sociallogin_seed_demo",
]


def _wait_for(port: int, timeout: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing answers on {HOST}:{port}")


def _port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex((HOST, port)) == 0


def stop_processes(procs: list[subprocess.Popen[bytes]], timeout: float = 10) -> None:
    """SIGTERM to each (the sandboxes, gunicorn and nginx stop gracefully on it), then kill
    what is still running after ``timeout`` seconds."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # `kill`/`timeout` send SIGTERM: stop the sandboxes and the shop as Ctrl-C would.
    signal.signal(signal.SIGTERM, _on_sigterm)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env.setdefault("STORE_SECRETS_KEY", "demo-only-secrets-key-change-me")
    # A cache every process shares, so that `manage.py storeconfig import` in another shell
    # reaches the running shop (store.W002).
    env.setdefault("DJANGO_CACHE_DIR", str(ROOT / "var" / "demo-cache"))
    env["DEMO_SHOP_URL"] = f"http://{HOST}:{SHOP_PORT}"
    for box in SANDBOXES:
        env.update(box.env)
    busy = [p for p in [SHOP_PORT, *(box.port for box in SANDBOXES)] if _port_in_use(p)]
    if busy:
        # Another demo (or anything else) there would answer in our place.
        print(
            f"Port(s) {', '.join(map(str, busy))} on {HOST} already in use: is another "
            "`make demo` running? Stop it, or set DEMO_PORT for the shop."
        )
        return 1
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for box in SANDBOXES:
            cmd = [PY, "-m", box.module, "--host", HOST, "--port", str(box.port)]
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env))
            _wait_for(box.port)
            print(f"  {box.name} sandbox: http://{HOST}:{box.port}/")
        manage = [PY, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], check=True, env=env)
        for command in SEED_COMMANDS:
            subprocess.run([*manage, command], check=True, env=env)
        print(f"\n  Shop: http://{HOST}:{SHOP_PORT}/   Admin: http://{HOST}:{SHOP_PORT}/admin/\n")
        shop = subprocess.Popen(
            [*manage, "runserver", f"{HOST}:{SHOP_PORT}", "--noreload"], env=env
        )
        procs.append(shop)
        return shop.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_processes(procs)


if __name__ == "__main__":
    sys.exit(main())
