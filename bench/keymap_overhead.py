#!/usr/bin/env python
"""Our overhead around a partner call, per password login (target: ≤ 2 ms).

Baseline: the bare signed HTTP call to the partner sandbox on loopback (one keep-alive
``requests.Session``, same body). Measured: the whole partner login as the authentication
backend runs it (load settings, sign, call, record the delivery, map the answer, find the
linked customer and write its profile in one transaction). Rounds are interleaved; the
database is SQLite in memory (``DATABASE_URL`` picks another).

Then the whole login form (test client, POST ``/accounts/login/``) for a store ID through the
partner, against plain allauth's password login in its own minimal project
(``bench/allauth_minimal``, a process of its own, its own SQLite in memory): the price of
custom storage over a shop that keeps passwords itself.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("STORE_SECRETS_KEY", "bench-only-secrets-key")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

import requests  # noqa: E402
from django.core.management import call_command  # noqa: E402

from devtools.sandboxes.partner.example import SEED_KEY_MAP as KEY_MAP  # noqa: E402

SECRET = "bench-partner-secret"


def form_login(n: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.allauth_minimal import inprocess

    # Every login here comes from one address, faster than allauth's limit per address.
    settings.ACCOUNT_RATE_LIMITS = False
    settings.ALLOWED_HOSTS = ["testserver"]
    # The baseline hashes with MD5 (bench.allauth_minimal.inprocess); so does this side.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()

    def login() -> float:
        started = time.perf_counter()
        resp = client.post("/accounts/login/", {"login": "gamer123", "password": "gamer-pass-123"})
        elapsed = time.perf_counter() - started
        assert resp.status_code == 302, resp.status_code
        client.logout()
        return elapsed

    for _ in range(5):
        login()
    ours = statistics.median(login() for _ in range(n))
    with CaptureQueriesContext(connection) as ctx:
        login()
    plain = inprocess.run("password", n, "sqlite://:memory:")
    base = statistics.median(plain["times"])
    print(
        f"login form, plain allauth password (bench/allauth_minimal): {base * 1e3:6.2f} ms, "
        f"{plain['queries']} queries"
    )
    print(inprocess.equal_terms(plain))
    print(
        f"login form, store ID through the partner (ours)           : {ours * 1e3:6.2f} ms, "
        f"{len(ctx.captured_queries)} queries; ratio {ours / base:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # The INFO line per delivery is part of the cost: keep it, but send it nowhere.
    logging.getLogger("keymap").handlers = [logging.NullHandler()]
    logging.getLogger("keymap").propagate = False
    call_command("migrate", verbosity=0)

    from devtools.sandboxes.partner import start
    from keymap import client as partner_client
    from keymap import flows
    from keymap.config_section import KeymapSection

    server, _sandbox, base = start(SECRET)
    hooks = {
        "user_authentication": {
            "enabled": True,
            "url": f"{base}/webhooks/user-authentication",
            "secret": SECRET,
            "timeout": 5.0,
            "key_map": KEY_MAP,
        }
    }
    from django.db import transaction

    with transaction.atomic():
        KeymapSection().apply({"storage": "custom", "account_linking": True, "webhooks": hooks})

    payload = {"login": "gamer123", "password": "gamer-pass-123"}
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Store-Webhook": "user_authentication",
        "X-Store-Delivery": "bench",
        "X-Store-Signature": partner_client.sign(SECRET, body),
    }
    bare = requests.Session()
    url = f"{base}/webhooks/user-authentication"

    def call_only() -> None:
        response = bare.post(url, data=body, headers=headers, timeout=5)
        assert response.status_code == 200
        response.json()

    def login() -> None:
        user = flows.authenticate(None, "gamer123", "gamer-pass-123")
        assert user is not None

    for _ in range(50):  # warm both connections and the settings
        call_only()
        login()
    calls: list[float] = []
    logins: list[float] = []
    for _ in range(args.rounds):
        for fn, out in ((call_only, calls), (login, logins)):
            samples = []
            for _ in range(args.logins):
                started = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - started)
            out.append(statistics.median(samples))
    call, full = statistics.median(calls), statistics.median(logins)
    print(f"bare partner call (baseline): {call * 1e3:6.2f} ms")
    print(f"partner login, end to end   : {full * 1e3:6.2f} ms")
    print(f"our overhead per login      : {(full - call) * 1e3:6.2f} ms  (target <= 2 ms)")
    print(f"ratio login/call            : {full / call:6.2f}")
    form_login(args.logins)
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    server.shutdown()


if __name__ == "__main__":
    main()
