#!/usr/bin/env python
"""Returning Kakao login (login POST + callback): ours against plain allauth, same run.

Ours runs in this process (the demo project: the shop's adapter, middleware and steps,
provider settings from the cache); plain allauth is its own minimal project
(``bench/allauth_minimal``: only allauth's apps and middleware and a ``SocialApp`` row), run
by ``bench.allauth_minimal.inprocess`` in a process of its own, half before and half after
ours so that neither side always meets the machine warmer. Both use a SQLite file of their
own in one directory with the same settings (``config/engines.py``: printed, and a run whose
sides differ prints no ratio), and Kakao's two calls answered by ``responses`` identically.
Prints medians, queries and the ratio ours/plain (target <= 1.0).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "150"))


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="bench-sociallogin-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("STORE_SECRETS_KEY", "bench-only-secrets-key")
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    import responses
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.allauth_minimal import inprocess
    from sociallogin.models import ProviderSettings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    ProviderSettings.objects.update_or_create(
        provider="kakao", defaults={"enabled": True, "client_id": "bench", "secret": "s"}
    )

    def user(uid: int) -> dict[str, object]:
        return {
            "id": uid,
            "kakao_account": {
                "profile": {"nickname": f"u{uid}"},
                "email": f"u{uid}@example.com",
                "is_email_verified": True,
                "is_email_valid": True,
            },
        }

    def flow(client: Client, uid: int) -> float:
        with responses.RequestsMock() as rsps:
            rsps.add(
                responses.POST, "https://kauth.kakao.com/oauth/token", json={"access_token": "t"}
            )
            rsps.add(responses.GET, "https://kapi.kakao.com/v2/user/me", json=user(uid))
            start = time.perf_counter()
            resp = client.post("/accounts/kakao/login/")
            state = parse_qs(urlsplit(resp["Location"]).query)["state"][0]
            done = client.get("/accounts/kakao/login/callback/", {"code": "c", "state": state})
            elapsed = time.perf_counter() - start
        assert done.status_code == 302, done.content[:300]
        client.logout()
        return elapsed

    ours_client = Client()
    plain_db = f"sqlite:///{tmp}/allauth_minimal.sqlite3"
    plain_times: list[float] = []
    plain_times += inprocess.run("kakao", ROUNDS // 2, plain_db)["times"]
    # Sign the customer up once (and warm every cache); what is timed is the returning login.
    for _ in range(5):
        flow(ours_client, 1)
    ours = [flow(ours_client, 1) for _ in range(ROUNDS)]
    with CaptureQueriesContext(connection) as ctx:
        flow(ours_client, 1)
    after = inprocess.run("kakao", ROUNDS - ROUNDS // 2, plain_db)
    plain_times += after["times"]
    m_ours, m_plain = statistics.median(ours), statistics.median(plain_times)
    print(f"returning Kakao login, {ROUNDS} per side, SQLite files, responses-mocked Kakao")
    print(
        f"  plain allauth (bench/allauth_minimal): {m_plain * 1000:7.2f} ms median, "
        f"{after['queries']} queries"
    )
    print(
        f"  ours (demo project):                   {m_ours * 1000:7.2f} ms median, "
        f"{len(ctx.captured_queries)} queries"
    )
    print(inprocess.equal_terms(after))
    print(f"  ratio of medians ours/plain: {m_ours / m_plain:.2f} (target <= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
