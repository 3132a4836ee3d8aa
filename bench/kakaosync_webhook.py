#!/usr/bin/env python
"""Kakao's unlink webhook under 50 concurrent deliveries, against a real server on loopback.

The shop runs in Django's threaded WSGI server (as ``runserver`` does) on an SQLite file;
each delivery unlinks a real Kakao customer (verify the admin key, remove the link, flag,
record). Baseline in the same run: a trivial view under the same load. Kakao wants 200
within 3 s; target: p99 well under that. ``python bench/kakaosync_webhook.py [--n N]``
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TMP = tempfile.mkdtemp(prefix="kakaosync-webhook-bench-")
# SQLite file by default; scripts/with_postgres.py (DATABASE_URL) runs it on PostgreSQL.
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "STORE_SECRETS_KEY": "pPpNRgYMJPfKy2D8Fr8ZVJpxHz5m6WpqvVYZ2Js4x6o=",
    }
)

import django  # noqa: E402
from django.conf import settings  # noqa: E402

# A trivial view next to the shop's URLs, for the baseline.
bench_urls = types.ModuleType("bench_urls")
sys.modules["bench_urls"] = bench_urls
settings.ROOT_URLCONF = "bench_urls"
django.setup()
logging.disable(logging.WARNING)

import requests  # noqa: E402
from allauth.socialaccount.models import SocialAccount  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

from kakaosync.models import (  # noqa: E402
    KakaoSyncMember,
    KakaoSyncSettings,
    ServiceTerm,
    WebhookDelivery,
)
from sociallogin.models import ProviderSettings  # noqa: E402

ADMIN_KEY = "adminkey0123456789"
APP_ID = 777
CONCURRENCY = 50


def trivial(request):  # type: ignore[no-untyped-def]
    return HttpResponse("ok")


bench_urls.urlpatterns = [path("bench/trivial/", trivial), path("", include("config.urls"))]  # type: ignore[attr-defined]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def setup(n: int) -> None:
    call_command("migrate", verbosity=0)
    ProviderSettings.objects.create(provider="kakao", enabled=True, client_id="rest")
    row = KakaoSyncSettings.objects.create(
        pk=1, enabled=True, app_id=APP_ID, admin_key=ADMIN_KEY, quick_signup_confirmed=True
    )
    ServiceTerm.objects.create(settings=row, tag="tos", title="ToS", required=True)
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"k{i}", email=f"k{i}@example.com", password="!")
            for i in range(n)
        ]
    )
    SocialAccount.objects.bulk_create(
        [
            SocialAccount(user=u, provider="kakao", uid=str(10_000 + i), extra_data={})
            for i, u in enumerate(users)
        ]
    )
    KakaoSyncMember.objects.bulk_create(
        [
            KakaoSyncMember(user=u, kakao_user_id=10_000 + i, joined_via_sync=True)
            for i, u in enumerate(users)
        ]
    )


def serve() -> tuple[ThreadedWSGIServer, str]:
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    server.request_queue_size = 128  # type: ignore[attr-defined]
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "s"):
        _local.s = requests.Session()
    return _local.s


Call = tuple[str, dict[str, str] | None] | tuple[str, dict[str, str] | None, str]


def fire(calls: list[Call]) -> tuple[list[float], list[int]]:
    def one(call: Call) -> tuple[float, int]:
        url, data = call[0], call[1]
        key = call[2] if len(call) > 2 else ADMIN_KEY  # type: ignore[misc]
        start = time.perf_counter()
        if data is None:
            resp = _session().get(url, timeout=30)
        else:
            resp = _session().post(
                url, data=data, headers={"Authorization": f"KakaoAK {key}"}, timeout=30
            )
        return time.perf_counter() - start, resp.status_code

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(one, calls))
    return [r[0] for r in results], [r[1] for r in results]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=500, help="deliveries (and trivial requests)")
    parser.add_argument(
        "--wal",
        action="store_true",
        help="SQLite in WAL mode (default: the demo's rollback journal)",
    )
    parser.add_argument(
        "--forged",
        type=int,
        default=0,
        help="also send this many forged calls (wrong key), interleaved with Kakao's",
    )
    parser.add_argument(
        "--record-all-refused",
        action="store_true",
        help="write every refused call (no per-address cap), for comparison",
    )
    args = parser.parse_args()
    if args.record_all_refused:
        settings.KAKAOSYNC_REFUSED_DELIVERIES_RECORDED_PER_MINUTE = 10**9
    setup(args.n)
    if args.wal and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
    server, base = serve()
    fire([(f"{base}/bench/trivial/", None)] * CONCURRENCY)  # warm threads and connections
    trivial_times, trivial_status = fire([(f"{base}/bench/trivial/", None)] * args.n)
    deliveries: list[Call] = [
        (
            f"{base}/kakaosync/webhooks/unlink/",
            {
                "app_id": str(APP_ID),
                "user_id": str(10_000 + i),
                "referrer_type": "UNLINK_FROM_APPS",
            },
        )
        for i in range(args.n)
    ]
    forged: list[Call] = [(d[0], d[1], "forged-key") for d in deliveries[: args.forged]]
    mixed: list[Call] = []
    for i, delivery in enumerate(deliveries):
        mixed.append(delivery)
        if i < len(forged):
            mixed.append(forged[i])
    all_times, all_status = fire(mixed)
    genuine = [i for i, call in enumerate(mixed) if len(call) == 2]
    hook_times = [all_times[i] for i in genuine]
    hook_status = [all_status[i] for i in genuine]
    server.shutdown()
    ok = sum(1 for s in hook_status if s == 200)
    processed = WebhookDelivery.objects.filter(outcome="processed").count()
    remaining = SocialAccount.objects.filter(provider="kakao").count()
    print(
        f"{args.n} requests each, {CONCURRENCY} concurrent, threaded WSGI server, "
        f"{connection.vendor}{' (WAL)' if args.wal and connection.vendor == 'sqlite' else ''}"
    )
    print(
        f"  trivial view:   p50 {pct(trivial_times, 0.5):7.1f} ms"
        f"  p99 {pct(trivial_times, 0.99):7.1f} ms"
        f"  ({sum(1 for s in trivial_status if s == 200)} x 200)"
    )
    print(
        f"  unlink webhook: p50 {pct(hook_times, 0.5):7.1f} ms  p99 {pct(hook_times, 0.99):7.1f} ms"
        f"  ({ok} x 200, {processed} processed, {remaining} links left)"
    )
    print(
        f"  ratio webhook/trivial: p50 {pct(hook_times, 0.5) / pct(trivial_times, 0.5):.1f}x"
        f"  p99 {pct(hook_times, 0.99) / pct(trivial_times, 0.99):.1f}x;"
        f"  p99 vs Kakao's 3 s limit: {pct(hook_times, 0.99) / 3000:.1%}"
        f"  (mean {statistics.mean(hook_times) * 1000:.1f} ms)"
    )
    if args.forged:
        genuine_set = set(genuine)
        refused = sum(1 for i, s in enumerate(all_status) if i not in genuine_set and s == 401)
        recorded = WebhookDelivery.objects.filter(outcome="unauthorized").count()
        print(
            f"  with {args.forged} forged calls interleaved: {refused} x 401,"
            f" {recorded} of them recorded"
            + (" (the rest only counted in a log line)" if recorded < refused else "")
        )


if __name__ == "__main__":
    main()
