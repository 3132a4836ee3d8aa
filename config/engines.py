"""The database, cache and session settings, from the environment, in one place.

The demo project and the benchmarks' baseline (``bench/allauth_minimal``, plain allauth in a
project of its own) both take them from here, so a benchmark compares the two on equal
terms; ``describe`` is what each side prints, and the benchmarks refuse to compare sides
whose descriptions differ.
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url

# Writers queue for the lock instead of failing with "database is locked": a write
# transaction takes the lock when it begins (a deferred one that read first cannot wait,
# SQLite refuses its upgrade at once), and waits up to 20 s for it. WAL lets readers go on
# while one writer writes.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database(default_url: str) -> dict[str, Any]:
    """``DATABASE_URL`` (else ``default_url``) with the project's connection settings."""
    db: dict[str, Any] = dict(
        dj_database_url.config(
            default=default_url,
            conn_max_age=60,
            # A kept connection is checked before reuse: after a database restart only the
            # requests in flight fail, not the first one of every worker.
            conn_health_checks=True,
        )
    )
    if db["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, its health check without a round trip (config/postgresql/base.py).
        db["ENGINE"] = "config.postgresql"
    if db["ENGINE"] == "django.db.backends.sqlite3" and db.get("NAME") != ":memory:":
        db["OPTIONS"] = {**SQLITE_OPTIONS, **db.get("OPTIONS", {})}
    return db


def caches() -> dict[str, dict[str, Any]]:
    """``REDIS_URL``: Redis shared by every process; ``DJANGO_CACHE_DIR``: files shared by the
    processes of one machine (``make demo``); else each process's own memory."""
    if os.environ.get("REDIS_URL"):
        return {
            "default": {
                # Django's RedisCache, except that the shop keeps serving while Redis is down.
                "BACKEND": "store.cache.FailSoftRedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
    if os.environ.get("DJANGO_CACHE_DIR"):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": os.environ["DJANGO_CACHE_DIR"],
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def describe(settings: Any) -> str:
    """One line naming the engines and their settings, paths and hosts left out."""
    db = settings.DATABASES["default"]
    cache = settings.CACHES["default"]
    return (
        f"database {db['ENGINE']} {sorted(db.get('OPTIONS', {}).items())} "
        f"conn_max_age={db.get('CONN_MAX_AGE')} health_checks={db.get('CONN_HEALTH_CHECKS')}; "
        f"cache {cache['BACKEND']} {sorted(cache.get('OPTIONS', {}).items())}; "
        f"sessions {settings.SESSION_ENGINE}; "
        f"password hasher {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}"
    )
