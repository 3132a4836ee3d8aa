"""Django's Redis cache, for a shop that keeps serving while Redis is down.

Django's ``RedisCache`` raises on every call when Redis is unreachable, which turns every
page into a 500. The shop only keeps things in the cache that it can rebuild (settings
versions, Kakao's signing keys) or count again (attempt counters), so while Redis is down:

- reads miss and writes are dropped: settings are read from the database on every request
  (slower, never stale);
- ``add`` and ``incr`` (the attempt counters of ``store.ratelimit``) count in this process:
  every limit still holds, per worker instead of across the shop;
- a key this process failed to write or delete is deleted once Redis answers again, so a
  settings change saved during the outage is not hidden by the version cached before it;
- after a failure Redis is not asked again for ``RETRY_AFTER`` seconds, so a Redis that
  hangs costs one socket timeout per worker and second, not one per cache call.

``OPTIONS`` go to the Redis client as in Django; give short ``socket_connect_timeout`` and
``socket_timeout`` so that a Redis that stops answering is noticed quickly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 1.0


class _ReusedClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and its constructor copies
    redis-py's table of response callbacks each time: under load that was a third of the
    CPU the shop spent on its one settings read per request. A ``redis.Redis`` is safe to
    share between threads (each command takes a connection from the pool).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient
        self._local = LocMemCache(f"failsoft-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._stale: set[str] = set()

    # --- the outage -------------------------------------------------------------------

    def _call(self, op: Callable[[], T], fallback: Callable[[], T], stale: Iterable[str] = ()) -> T:
        if time.monotonic() < self._down_until:
            self._remember(stale)
            return fallback()
        try:
            self._forget_stale()
            result = op()
        except UNREACHABLE as exc:
            with self._lock:
                was_up = self._down_until == 0.0
                self._down_until = time.monotonic() + RETRY_AFTER
            if was_up:
                logger.warning("Redis unreachable, serving without the shared cache: %s", exc)
            self._remember(stale)
            return fallback()
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            logger.warning("Redis reachable again")
        return result

    def _remember(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._stale.update(keys)

    def _forget_stale(self) -> None:
        if not self._stale:
            return
        with self._lock:
            keys, self._stale = list(self._stale), set()
        try:
            self._cache.delete_many(keys)
        except UNREACHABLE:
            self._remember(keys)
            raise

    # --- the cache API ----------------------------------------------------------------

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._call(lambda: super(FailSoftRedisCache, self).get(key, default, version),
                          lambda: default)  # fmt: skip

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._call(lambda: super(FailSoftRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._call(
            lambda: super(FailSoftRedisCache, self).has_key(key, version), lambda: False
        )

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._call(
            lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version),
            lambda: None,
            [self.make_and_validate_key(key, version=version)],
        )

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        return self._call(
            lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
            [self.make_and_validate_key(key, version=version) for key in data],
        )

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call(
            lambda: super(FailSoftRedisCache, self).touch(key, timeout, version), lambda: False
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._call(
            lambda: super(FailSoftRedisCache, self).delete(key, version),
            lambda: False,
            [self.make_and_validate_key(key, version=version)],
        )

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        self._call(
            lambda: super(FailSoftRedisCache, self).delete_many(keys, version),
            lambda: None,
            [self.make_and_validate_key(key, version=version) for key in keys],
        )

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._call(
            lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version),
            lambda: self._local.add(key, value, timeout, version),
        )

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._call(
            lambda: super(FailSoftRedisCache, self).incr(key, delta, version),
            lambda: self._local.incr(key, delta, version),
        )

    def clear(self) -> None:
        self._local.clear()
        self._call(lambda: super(FailSoftRedisCache, self).clear(), lambda: None)
