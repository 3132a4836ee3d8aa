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
        "keymap.sandbox",
        8766,
        env={
            "KEYMAP_DEMO_PARTNER_URL": "http://127.0.0.1:8766",
            "KEYMAP_DEMO_PARTNER_SECRET": "demo-partner-secret",
        },
    ),
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


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env.setdefault("STORE_SECRETS_KEY", "demo-only-secrets-key-change-me")
    procs: list[subprocess.Popen[bytes]] = []
    for box in SANDBOXES:
        env.update(box.env)
        env.update({"DEMO_SHOP_URL": f"http://{HOST}:{SHOP_PORT}"})
        cmd = [PY, "-m", box.module, "--host", HOST, "--port", str(box.port)]
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env))
        _wait_for(box.port)
        print(f"  {box.name} sandbox: http://{HOST}:{box.port}/")
    try:
        manage = [PY, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], check=True, env=env)
        subprocess.run([*manage, "seed_demo"], check=True, env=env)
        print(f"\n  Shop: http://{HOST}:{SHOP_PORT}/   Admin: http://{HOST}:{SHOP_PORT}/admin/\n")
        return subprocess.call(
            [*manage, "runserver", f"{HOST}:{SHOP_PORT}", "--noreload"], env=env
        )
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
