#!/usr/bin/env python
"""Kakao Sync login vs plain allauth Kakao login, in the same run, against the Kakao sandbox.

Every side is a returning customer's Kakao login through allauth (the callback: token and
user/me over HTTP on loopback, then the login). The baseline is plain allauth in its own
minimal project (``bench/allauth_minimal``, run by ``bench.allauth_minimal.inprocess`` in a
process of its own, SQLite file of its own, same sandbox); the shop is measured with Kakao
Sync off (its Kakao login) and on (its row; Kakao's service terms and channel relation only
when the row was read more than ``KAKAOSYNC_SYNC_READ_MAX_AGE`` ago or may be outdated, so
not for this returning shopper). Timed: the callback request (in-process test client,
SQLite file). Target: ≤ 1.1x the shop's Kakao login, ≤ 2 extra Kakao calls and ≤ 3 extra
queries.
``python bench/kakaosync_login.py [--n N]``
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.allauth_minimal import inprocess
from devtools.sandboxes.kakao import SandboxConfig, start_in_thread
from devtools.sandboxes.kakao.server import KakaoSandboxHandler
from devtools.sandboxes.kakao.state import CONSENT_ITEMS

TERMS = {"terms_of_service": True, "privacy_policy": True, "marketing": False}
# --latency-ms N: the sandbox answers each Kakao API call N ms late (Kakao's network distance).
LATENCY = int(sys.argv[sys.argv.index("--latency-ms") + 1]) if "--latency-ms" in sys.argv else 0
SANDBOX = start_in_thread(
    SandboxConfig(
        app_id=777,
        rest_api_key="rest",
        admin_key="adminkey0123",
        service_terms=TERMS,
        latency_ms=LATENCY,
    )
)
TMP = tempfile.mkdtemp(prefix="kakaosync-bench-")
# SQLite file by default; scripts/with_postgres.py (DATABASE_URL) runs it on PostgreSQL.
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KAKAOSYNC_AUTH_BASE_URL": SANDBOX.base_url,
        "KAKAOSYNC_API_BASE_URL": SANDBOX.base_url,
        "STORE_SECRETS_KEY": "pPpNRgYMJPfKy2D8Fr8ZVJpxHz5m6WpqvVYZ2Js4x6o=",
    }
)

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from kakaosync.conf import load_config  # noqa: E402
from kakaosync.models import KakaoSyncSettings, ServiceTerm, invalidate_settings  # noqa: E402
from sociallogin.models import ProviderSettings  # noqa: E402

_calls = {"n": 0}
_route = KakaoSandboxHandler._route


def _counting_route(self: KakaoSandboxHandler) -> None:
    _calls["n"] += 1
    _route(self)


KakaoSandboxHandler._route = _counting_route  # type: ignore[method-assign]


def setup() -> None:
    setup_test_environment()
    # The baseline hashes with MD5 (bench.allauth_minimal.inprocess); so does this side.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    ProviderSettings.objects.create(provider="kakao", enabled=True, client_id="rest")
    row = KakaoSyncSettings.objects.create(
        pk=1,
        enabled=True,
        app_id=777,
        admin_key="adminkey0123",
        channel_public_id="_benchch",
        quick_signup_confirmed=True,
    )
    for i, (tag, required) in enumerate(TERMS.items()):
        ServiceTerm.objects.create(
            settings=row, tag=tag, title=tag, required=required, marketing=not required, position=i
        )


def set_sync(on: bool, read_max_age: int | None = None) -> None:
    KakaoSyncSettings.objects.filter(pk=1).update(enabled=on)
    invalidate_settings()
    load_config()
    if read_max_age is None:
        if hasattr(settings, "KAKAOSYNC_SYNC_READ_MAX_AGE"):
            delattr(settings, "KAKAOSYNC_SYNC_READ_MAX_AGE")
    else:
        settings.KAKAOSYNC_SYNC_READ_MAX_AGE = read_max_age


class Shopper:
    """A browser: the shop's test client plus a Kakao session at the sandbox."""

    def __init__(self, person: int) -> None:
        self.client = Client()
        self.kakao = requests.Session()
        resp = self.kakao.post(
            f"{SANDBOX.base_url}/sandbox/login",
            data={"person": str(person), "next": "/"},
            allow_redirects=False,
        )
        assert resp.status_code == 302

    def callback_url(self) -> str:
        resp = self.client.post("/accounts/kakao/login/", {"process": "login"})
        authorize = self.kakao.get(resp["Location"], allow_redirects=False)
        if authorize.status_code == 200:  # first time: the consent screen
            form = {
                "action": "agree",
                "item": list(CONSENT_ITEMS),
                "term": list(TERMS),
                "channel": "_benchch",
            }
            query = dict(p.split("=", 1) for p in urlsplit(resp["Location"]).query.split("&"))
            from urllib.parse import unquote_plus

            form.update({k: unquote_plus(v) for k, v in query.items()})
            authorize = self.kakao.post(
                f"{SANDBOX.base_url}/oauth/authorize/consent", data=form, allow_redirects=False
            )
        location = urlsplit(authorize.headers["Location"])
        return f"{location.path}?{location.query}"

    def login(self) -> tuple[float, int, int, float]:
        url = self.callback_url()
        before = _calls["n"]
        with CaptureQueriesContext(connection) as ctx:
            start, cpu_start = time.perf_counter(), time.process_time()
            resp = self.client.get(url)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        assert resp.status_code == 302 and resp["Location"] == "/account/", resp["Location"]
        kakao_calls = _calls["n"] - before
        self.client.logout()
        return elapsed, len(ctx.captured_queries), kakao_calls, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100, help="logins per side")
    parser.add_argument("--latency-ms", type=int, default=0, help="Kakao API latency to play")
    args = parser.parse_args()
    setup()
    plain, sync = Shopper(1001), Shopper(1002)
    set_sync(False)
    plain.login()  # signup, then warm
    plain.login()
    set_sync(True)
    sync.login()
    sync.login()
    results: dict[str, list[tuple[float, int, int, float]]] = {
        "plain": [],
        "sync": [],
        "reading": [],
    }
    n = max(1, args.n // 10) * 10
    block = 10
    # "reading": Sync reading Kakao at every login (KAKAOSYNC_SYNC_READ_MAX_AGE = 0), as
    # every returning login did before the last read was kept.
    sides = [("plain", plain, False, None), ("sync", sync, True, None), ("reading", sync, True, 0)]
    for turn in range(max(1, args.n // block)):
        # The order turns every time: the machine's drift lands on every side alike.
        for name, shopper, on, max_age in sides[turn % 3 :] + sides[: turn % 3]:
            set_sync(on, max_age)
            shopper.login()  # untimed: first login after the switch
            for _ in range(block):
                results[name].append(shopper.login())

    def summary(name: str) -> tuple[float, float, int, int]:
        times = sorted(r[0] for r in results[name])
        p90 = times[int(len(times) * 0.9) - 1]
        return statistics.median(times) * 1000, p90 * 1000, results[name][0][1], results[name][0][2]

    def cpu(name: str) -> float:
        return statistics.median(r[3] for r in results[name]) * 1000

    base = inprocess.run(
        "kakao",
        n,
        f"sqlite:///{TMP}/allauth_minimal.sqlite3",
        person=1003,
        KAKAO_SANDBOX_URL=SANDBOX.base_url,
        KAKAO_SANDBOX_REST_API_KEY="rest",
    )
    b_times = sorted(base["times"])
    b_med = statistics.median(b_times) * 1000
    b_p90 = b_times[int(len(b_times) * 0.9) - 1] * 1000
    p_med, p_p90, p_q, p_calls = summary("plain")
    s_med, s_p90, s_q, s_calls = summary("sync")
    r_med, r_p90, r_q, r_calls = summary("reading")
    print(
        f"returning Kakao login, {n} per side, {connection.vendor}, sandbox on loopback"
        f" (+{LATENCY} ms per Kakao call)"
    )
    print(
        f"  plain allauth (bench/allauth_minimal): median {b_med:6.2f} ms  p90 {b_p90:6.2f} ms  "
        f"{base['queries']} queries  2 Kakao calls"
    )
    print(
        f"  shop, Kakao login (Sync off): median {p_med:6.2f} ms  p90 {p_p90:6.2f} ms  "
        f"{p_q} queries  {p_calls} Kakao calls"
    )
    print(
        f"  shop, Kakao Sync login:       median {s_med:6.2f} ms  p90 {s_p90:6.2f} ms  "
        f"{s_q} queries  {s_calls} Kakao calls"
    )
    print(
        f"  shop, Sync reading every time: median {r_med:6.2f} ms  p90 {r_p90:6.2f} ms  "
        f"{r_q} queries  {r_calls} Kakao calls  (KAKAOSYNC_SYNC_READ_MAX_AGE = 0)"
    )
    print(inprocess.equal_terms(base))
    print(
        f"  ratio shop/plain allauth: Kakao login {p_med / b_med:.2f}x, "
        f"Kakao Sync login {s_med / b_med:.2f}x (medians)"
    )
    print(
        f"  ratio sync/Kakao login: median {s_med / p_med:.2f}x  p90 {s_p90 / p_p90:.2f}x; "
        f"extra queries {s_q - p_q} (target <= 3), extra Kakao calls {s_calls - p_calls} "
        f"(target <= 2)"
    )
    print(
        f"  ratio reading every time/Kakao login: median {r_med / p_med:.2f}x  "
        f"p90 {r_p90 / p_p90:.2f}x"
    )
    # CPU time of this process (the sandbox's threads included) is less moved by other
    # work on a shared machine than the wall clock.
    p_cpu, s_cpu, r_cpu = cpu("plain"), cpu("sync"), cpu("reading")
    print(
        f"  CPU medians: Kakao login {p_cpu:.2f} ms, Sync {s_cpu:.2f} ms ({s_cpu / p_cpu:.2f}x), "
        f"Sync reading every time {r_cpu:.2f} ms ({r_cpu / p_cpu:.2f}x)"
    )
    SANDBOX.shutdown()


if __name__ == "__main__":
    main()
