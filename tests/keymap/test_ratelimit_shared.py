"""The user-ID login limits hold across app servers when the cache is shared (Redis)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HITS = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from store import ratelimit
print(",".join(str(ratelimit.hit("user-id", "gamer123", limit=5, period=60)) for _ in range(3)))
"""


@pytest.fixture
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_two_processes_share_one_limit(redis_url: str) -> None:
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": "sqlite://:memory:"}
    results = []
    for _ in range(2):  # two app servers, one after the other, same Redis
        out = subprocess.run(
            [sys.executable, "-c", HITS], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr[-2000:]
        results.append(out.stdout.strip().splitlines()[-1])
    assert results == ["True,True,True", "True,True,False"]
