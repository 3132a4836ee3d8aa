"""Settings saved on one app server reach another at once through the shared Redis cache.

The second server is a separate process with its own cache client and database connection,
so nothing here can pass through shared process memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from store.models import StoreSettings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_admin_save_reaches_another_worker_through_redis(settings, redis_url) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }
    from django.core.cache import cache

    cache.clear()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    s = StoreSettings.load()
    s.welcome_points = 100
    s.save()
    worker = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("worker.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert worker.stdout.readline().strip() == "ready"

        def ask() -> int:
            worker.stdin.write("load\n")
            worker.stdin.flush()
            return int(worker.stdout.readline())

        assert ask() == 100
        assert ask() == 100  # now served from Redis, warm
        s.welcome_points = 900
        s.save()
        assert ask() == 900
    finally:
        worker.kill()
        worker.wait()
