"""Forged security events cannot make the shop fetch Kakao's keys at every request, nor hold
its workers while Kakao's key endpoint hangs; also when the shared cache is down.

The attacker's tokens name a key Kakao never had (a random ``kid``, signed with the
attacker's key): while the shop has no usable key set, each one would send it to Kakao.
Key fetches are counted as the HTTP requests the shop sends to the sandbox's two key
documents (the Shared Signals configuration and the JWK Set).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import caches
from django.test import Client

from kakaosync import client as kakao_client
from kakaosync import security_events
from tests.kakaosync.conftest import (
    REST_KEY,
    kakao_login,
    kakao_sandbox,
    sync_on,
    use_kakao_sandbox,
)

__all__ = ["kakao_login", "kakao_sandbox", "sync_on", "use_kakao_sandbox"]

URL = "/kakaosync/webhooks/events/"
KEY_PATHS = (
    "/.well-known/ssf-configuration",
    "/.well-known/sse-configuration",
    "/.well-known/jwks.json",
)
ATTACKER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def forged(issuer: str) -> str:
    claims = {
        "iss": issuer,
        "aud": REST_KEY,
        "iat": int(time.time()),
        "jti": uuid.uuid4().hex,
        "sub": "1001",
        "events": {"https://schemas.kakao.com/events/risc/sessions-revoked": {}},
    }
    headers = {"kid": uuid.uuid4().hex[:12], "typ": "secevent+jwt"}
    return jwt.encode(claims, ATTACKER_KEY, algorithm="RS256", headers=headers)


def push(token: str) -> int:
    return Client().post(URL, token, content_type="application/secevent+jwt").status_code


@pytest.fixture
def key_fetches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every HTTP request the shop sends for Kakao's keys (each attempt, retries too)."""
    seen: list[str] = []
    lock = threading.Lock()
    session = kakao_client.session()
    original = session.request

    def counting(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if any(url.endswith(p) for p in KEY_PATHS):
            with lock:
                seen.append(url)
        return original(method, url, *args, **kwargs)

    monkeypatch.setattr(session, "request", counting)
    return seen


@pytest.fixture
def fresh_keys() -> Iterator[None]:
    """No key set and no remembered failure, in the cache or in this process."""
    forget_keys()
    yield
    forget_keys()


def forget_keys(*, shared: bool = True) -> None:
    forget = getattr(security_events, "forget_keys", None)
    if forget is not None:
        forget(shared=shared)
    elif shared:
        caches["default"].delete_many(
            [security_events.JWKS_CACHE_KEY, security_events.JWKS_REFRESH_LOCK]
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    """The shop's shared cache is a real Redis that has just been stopped."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server not found")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        settings.CACHES = {
            "default": {
                "BACKEND": "store.cache.FailSoftRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        cache = caches["default"]
        cache.set("probe", 1)
        assert cache.get("probe") == 1  # the cache was up
    finally:
        proc.terminate()
        proc.wait(timeout=5)
    assert caches["default"].get("probe") is None  # and is down now
    forget_keys()
    yield
    forget_keys()


def set_fault(sandbox: Any, mode: str, seconds: float = 0) -> None:
    requests.post(
        f"{sandbox.base_url}/sandbox/faults", json={"mode": mode, "seconds": seconds}, timeout=5
    ).raise_for_status()


@pytest.mark.django_db
def test_forged_events_with_kakao_failing_and_redis_down_fetch_once(
    sync_on, use_kakao_sandbox, redis_down, key_fetches
):
    set_fault(use_kakao_sandbox, "error")
    statuses = [push(forged(use_kakao_sandbox.base_url)) for _ in range(10)]
    print(f"10 forged events, Kakao failing, Redis down: {len(key_fetches)} key fetches")
    assert statuses == [503] * 10  # Kakao retries a 503 (RFC 8935)
    assert len(key_fetches) == 1, key_fetches


@pytest.mark.django_db
def test_forged_events_with_redis_down_reuse_the_key_set_read(
    sync_on, use_kakao_sandbox, redis_down, key_fetches
):
    statuses = [push(forged(use_kakao_sandbox.base_url)) for _ in range(10)]
    print(f"10 forged events, Kakao up, Redis down: {len(key_fetches)} key fetches")
    assert statuses == [400] * 10
    # The first read (configuration and key set), and the one read again a minute that an
    # unknown kid may ask for: the process keeps the set while the cache cannot.
    assert len(key_fetches) == 4, key_fetches


@pytest.mark.django_db
def test_a_failed_fetch_is_remembered_across_processes(
    sync_on, use_kakao_sandbox, fresh_keys, key_fetches
):
    set_fault(use_kakao_sandbox, "error")
    assert push(forged(use_kakao_sandbox.base_url)) == 503
    # Another process (its own memory, the same shared cache) does not ask Kakao again.
    forget_keys(shared=False)
    assert [push(forged(use_kakao_sandbox.base_url)) for _ in range(5)] == [503] * 5
    assert len(key_fetches) == 1, key_fetches


@pytest.mark.django_db(transaction=True)
def test_a_hanging_key_endpoint_holds_no_worker_for_long(
    live_server, sync_on, use_kakao_sandbox, fresh_keys, key_fetches, settings
):
    set_fault(use_kakao_sandbox, "slow", seconds=8)
    issuer = use_kakao_sandbox.base_url

    def one(_i: int) -> tuple[int, float]:
        started = time.monotonic()
        response = requests.post(
            live_server.url + URL,
            data=forged(issuer),
            headers={"Content-Type": "application/secevent+jwt"},
            timeout=30,
        )
        return response.status_code, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(8)))
    total = time.monotonic() - started
    held = sorted(seconds for _status, seconds in results)
    print(
        f"8 parallel forged events, key endpoint hanging: {len(key_fetches)} key fetches, "
        f"longest {held[-1]:.2f} s, median {held[len(held) // 2]:.2f} s, all {total:.2f} s"
    )
    assert [status for status, _s in results] == [503] * 8
    assert len(key_fetches) == 1, key_fetches
    deadline = getattr(security_events.app_settings, "SECURITY_EVENT_JWKS_DEADLINE", 3.0)
    # Cut at the deadline, not at the 8 s hang; the margin is the live server's own time on
    # a loaded machine (two cores shared with the other test worker), not the fetch's.
    assert held[-1] < deadline + 2.5 < 8
    # Only the request that reads waits for Kakao; the others give up within a second.
    assert held[-2] < security_events.SINGLE_FLIGHT_WAIT + 0.5
    # Later events answer at once: the failure is remembered.
    set_fault(use_kakao_sandbox, "slow", seconds=8)
    assert one(0)[1] < 0.5
    set_fault(use_kakao_sandbox, "none")
