"""Provider settings saved in the admin reach another app server at once (shared Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from sociallogin.models import ProviderSettings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_save_reaches_another_worker_without_queries_when_warm(
    settings: Any, redis_url: str
) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    from django.core.cache import cache

    cache.clear()
    row = ProviderSettings.objects.create(
        provider="kakao", enabled=True, client_id="first", secret="s"
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "STORE_SECRETS_KEY": settings.STORE_SECRETS_KEY,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    worker = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("worker.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert worker.stdout.readline().strip() == "ready"

        def ask() -> tuple[str, int]:
            worker.stdin.write("apps\n")
            worker.stdin.flush()
            ids, queries = worker.stdout.readline().strip().split("|")
            return ids, int(queries)

        assert ask()[0] == "kakao=first"
        assert ask() == ("kakao=first", 0)  # warm: no query (store settings cached too)
        row.client_id = "second"
        row.save()
        assert ask()[0] == "kakao=second"
        row.enabled = False
        row.save()
        assert ask()[0] == ""
    finally:
        worker.kill()
        worker.wait()
