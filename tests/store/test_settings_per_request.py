"""One request asks the shared cache for every settings version once, and no more.

The store, provider, Kakao Sync, user-database and JWT-key settings each keep a version
key on the shared cache; a request reads all of them with one ``get_many`` at its first
settings read. What was saved elsewhere is in force on the next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client

from kakaosync.models import KakaoSyncSettings
from keymap.models import UserDatabase
from sociallogin.conf import providers_cache
from store import singleton
from store.models import StoreSettings

pytestmark = pytest.mark.django_db

VERSION_KEYS = {
    StoreSettings.settings_cache.key,
    providers_cache.key,
    KakaoSyncSettings.settings_cache.key,
    UserDatabase.settings_cache.key,
}


@pytest.fixture
def version_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any]]]:
    """Every call on the cache backend that touches a settings version key.

    Only outermost calls count: the local-memory backend's ``get_many`` calls ``get`` per
    key, where Redis makes one round trip.
    """
    backend = caches["default"]
    calls: list[tuple[str, Any]] = []
    depth = [0]
    for name in ("get", "get_many", "add", "set", "has_key"):
        original = getattr(backend, name)

        def counting(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            keys = args[0] if args else kw.get("keys", kw.get("key"))
            keys = set(keys) if isinstance(keys, list | tuple | set) else {keys}
            if not depth[0] and keys & (VERSION_KEYS | set(singleton._registry)):
                calls.append((_name, keys))
            depth[0] += 1
            try:
                return _original(*args, **kw)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(backend, name, counting)
    yield calls


def test_a_request_reads_every_settings_version_in_one_cache_call(version_reads) -> None:
    client = Client()
    assert client.get("/accounts/login/").status_code == 200  # creates the version keys
    version_reads.clear()
    assert client.get("/accounts/login/").status_code == 200
    assert [name for name, _ in version_reads] == ["get_many"], version_reads
    assert version_reads[0][1] >= VERSION_KEYS


def test_a_save_on_another_server_is_in_force_on_the_next_request() -> None:
    client = Client()
    StoreSettings.get_solo()
    client.get("/accounts/login/")
    assert "Elsewhere" not in client.get("/accounts/login/").content.decode()
    # What another server's save leaves behind: the row, and a new version on the cache.
    StoreSettings.objects.filter(pk=1).update(name="Elsewhere")
    cache.set(StoreSettings.settings_cache.key, "saved-on-another-server")
    assert "Elsewhere" in client.get("/accounts/login/").content.decode()


def test_outside_a_request_every_read_asks_the_cache(version_reads) -> None:
    StoreSettings.load()
    version_reads.clear()
    StoreSettings.load()
    StoreSettings.load()
    assert [name for name, _ in version_reads] == ["get", "get"]


def test_a_request_reads_its_own_save(version_reads) -> None:
    singleton.begin_request()
    try:
        settings_row = StoreSettings.load()
        settings_row.name = "Saved in this request"
        settings_row.save()
        assert StoreSettings.load().name == "Saved in this request"
    finally:
        singleton.end_request()
    assert StoreSettings.load().name == "Saved in this request"
