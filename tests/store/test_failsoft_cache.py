"""The shop's Redis cache while Redis is down: misses, local counters, no stale version after."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from store import cache as failsoft
from tests.conftest import REQUIRE_REAL_PARTS


class _Redis:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            if REQUIRE_REAL_PARTS:
                pytest.fail("redis-server not found")
            pytest.skip("redis-server not found")
        self.binary = binary
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis did not start")

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def pause(self) -> None:
        """A Redis that hangs: it keeps its keys, but answers nothing."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)


@pytest.fixture
def redis() -> Iterator[_Redis]:
    server = _Redis()
    server.start()
    yield server
    if server.proc and server.proc.poll() is None:
        server.stop()


def _cache(port: int) -> failsoft.FailSoftRedisCache:
    return failsoft.FailSoftRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


def test_redis_hung_misses_counts_locally_and_drops_a_stale_version_after(
    redis: _Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(failsoft, "RETRY_AFTER", 0.0)
    cache = _cache(redis.port)
    cache.set("settings-version", "before")
    assert cache.get("settings-version") == "before"

    redis.pause()
    assert cache.get("settings-version", "missing") == "missing"
    assert cache.get_many(["settings-version"]) == {}
    cache.set("settings-version", "saved-during-outage")  # dropped, remembered as stale
    assert cache.add("counter", 0, 60) is True
    assert [cache.incr("counter") for _ in range(3)] == [1, 2, 3]  # counted in this process

    redis.resume()
    # The version written before the outage would hide the change saved during it.
    assert cache.get("settings-version") is None
    cache.set("settings-version", "after")
    assert cache.get("settings-version") == "after"


def test_a_redis_that_stays_down_is_asked_again_only_after_a_pause(
    redis: _Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = _cache(redis.port)
    cache.set("k", 1)
    redis.stop()
    calls = 0
    real_get = failsoft.RedisCache.get

    def counting_get(self: object, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return real_get(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(failsoft.RedisCache, "get", counting_get)
    for _ in range(20):
        assert cache.get("k") is None
    assert calls == 1


def test_one_redis_client_serves_every_call_and_reconnects_after_a_restart(
    redis: _Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis as redis_py

    monkeypatch.setattr(failsoft, "RETRY_AFTER", 0.0)
    built = 0
    real_init = redis_py.Redis.__init__

    def counting_init(self: object, *args: object, **kwargs: object) -> None:
        nonlocal built
        built += 1
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(redis_py.Redis, "__init__", counting_init)
    cache = _cache(redis.port)
    for n in range(20):
        cache.set(f"k{n}", n)
        assert cache.get_many([f"k{n}"]) == {f"k{n}": n}
    assert built == 1  # Django's own client builds one per call: 40 here

    redis.stop()
    assert cache.get("k1") is None
    redis.start()
    cache.set("k1", "again")  # the kept client's pool connects anew
    assert cache.get("k1") == "again"
    assert built == 1
