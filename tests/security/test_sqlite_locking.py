"""Promise of the demo on SQLite: parallel orders wait for the database lock, none fails.

SQLite only (the demo's own settings, a file database, a threaded server in a separate
process): skipped on the PostgreSQL leg, which has row locks instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 16

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite only"
    ),
]

SEED = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from store.commerce.models import Product

Product.objects.create(name="Mug", slug="mug", price=1000)
for i in range(%(n)d):
    user = get_user_model().objects.create_user(f"buyer{i}", f"buyer{i}@example.com", "pw")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    print(session.session_key)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo_shop(tmp_path: Path) -> Any:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "sqlite-locking-test-secret-key-0123456789abcdef",
        "STORE_SECRETS_KEY": "pPpNRgYMJPfKy2D8Fr8ZVJpxHz5m6WpqvVYZ2Js4x6o=",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    seeded = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", SEED % {"n": ORDERS}],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    sessions = seeded.stdout.split()
    assert len(sessions) == ORDERS
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(base + "/", timeout=2)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)
    try:
        yield base, sessions, env
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_sixteen_parallel_orders_on_sqlite_all_succeed(demo_shop: Any) -> None:
    base, sessions, env = demo_shop
    url = base + "/products/mug/"
    prepared = []
    for key in sessions:
        http = requests.Session()
        http.cookies.set("sessionid", key)
        http.get(url, timeout=10).raise_for_status()
        prepared.append(http)
    barrier = threading.Barrier(ORDERS)
    statuses: list[int] = []

    def order(http: requests.Session) -> None:
        form = {
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
            "quantity": "1",
            "recipient_name": "Buyer",
            "shipping_address": "Seoul",
        }
        barrier.wait()
        resp = http.post(url, form, headers={"Referer": url}, allow_redirects=False, timeout=60)
        statuses.append(resp.status_code)

    threads = [threading.Thread(target=order, args=(http,)) for http in prepared]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(302) == ORDERS, statuses
    count = subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "shell",
            "--no-imports",
            "-c",
            "from store.commerce.models import Order; print(Order.objects.count())",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert count.stdout.split()[-1] == str(ORDERS)
