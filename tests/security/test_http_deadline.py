"""Every outbound call ends by its timeout, also when the status line and headers trickle.

A real server on loopback sends its headers one byte at a time, each byte well within the
read timeout: only a total deadline stops it. Kakao, the partner's webhooks and allauth's
provider calls all go through ``store.http``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

TRICKLE_FOR = 8.0  # seconds the server keeps sending header bytes
TIMEOUT = 1.0


class SlowHeaderServer:
    """Answers every connection with a status line, then one header byte every 50 ms."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                started = time.monotonic()
                header = b"X-Slow: " + b"a" * 10_000
                for byte in header:
                    if self.stopped.is_set() or time.monotonic() - started > TRICKLE_FOR:
                        break
                    conn.sendall(bytes([byte]))
                    time.sleep(0.05)
                body = b"{}"
                conn.sendall(
                    b"\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n" + body
                )
            except OSError:
                pass

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture
def slow_server() -> Iterator[SlowHeaderServer]:
    server = SlowHeaderServer()
    yield server
    server.close()


def _elapsed(call) -> tuple[float, BaseException | None]:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    try:
        call()
    except Exception as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


@pytest.mark.django_db
def test_partner_webhook_ends_at_its_timeout(slow_server) -> None:
    from keymap import client as partner_client
    from keymap.conf import load
    from keymap.models import Delivery
    from tests.keymap.conftest import configure_partner

    configure_partner(slow_server.url, timeout=TIMEOUT)
    hook = load().webhooks["user_authentication"]
    elapsed, error = _elapsed(
        lambda: partner_client.authenticate_user(hook, login="a", password="b")
    )
    assert isinstance(error, partner_client.PartnerUnavailable)
    assert elapsed < TIMEOUT + 1.0
    assert Delivery.objects.get().error == f"no answer within {TIMEOUT:g} s"


def test_kakao_call_ends_at_its_timeout(slow_server, settings) -> None:
    from kakaosync import client

    settings.KAKAOSYNC_API_BASE_URL = slow_server.url
    settings.KAKAOSYNC_TIMEOUT = TIMEOUT
    settings.KAKAOSYNC_RETRIES = 0
    elapsed, error = _elapsed(lambda: client.get_service_terms("token"))
    assert isinstance(error, client.KakaoUnavailable)
    assert "in time" in str(error)
    assert elapsed < TIMEOUT + 1.0


def test_allauth_provider_call_ends_at_its_timeout(slow_server, settings) -> None:
    from allauth.socialaccount.adapter import get_adapter

    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = TIMEOUT
    with get_adapter().get_requests_session() as session:
        elapsed, error = _elapsed(lambda: session.get(slow_server.url + "/v2/user/me"))
    assert isinstance(error, requests.Timeout)
    assert elapsed < TIMEOUT + 1.0


def test_a_prompt_answer_is_read_whole(settings) -> None:
    """The deadline bounds slow answers only: a quick one arrives intact, body and all,
    also when the server closes the connection after it."""
    from store.http import new_session

    body = b"x" * 300_000
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer() -> None:
        conn, _addr = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
            )
            time.sleep(0.1)  # the body comes after the headers were read
            conn.sendall(body)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        response = new_session(deadline=TIMEOUT).get(f"http://127.0.0.1:{port}/")
        assert response.status_code == 200 and response.content == body
    finally:
        server.close()
        thread.join(2)
