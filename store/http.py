"""Outbound HTTP sessions for every external call (Kakao, the partner, allauth's providers).

``requests`` bounds each wait on the socket, not the call: a server sending its status
line, headers or body one byte at a time stays under any read timeout for as long as it
likes. Sessions made here also hold every call to a total ``deadline``: each socket read
waits at most for what is left of it, for the status line, the headers and the body (also
when the body is streamed after ``request()`` returned).

They never follow redirects, never retry unless told to (logins are not
idempotent), read the environment's proxies and CA bundle once per origin instead of on
every call, and use proxies only where the environment configures them.
"""

from __future__ import annotations

import contextvars
import functools
import http.client
import io
import os
import socket
import time
import urllib.parse
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

# The deadline of the call being sent on this thread (monotonic seconds), read when its
# response is created.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "store_http_deadline", default=None
)


class _DeadlineReader(socket.SocketIO):
    """A socket's reads, each waiting at most until the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__(sock, "rb")
        self._deadline = deadline

    def readinto(self, buffer: Any) -> int | None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no complete answer by the deadline")
        sock = self._sock  # type: ignore[attr-defined]
        previous = sock.gettimeout()
        sock.settimeout(remaining if previous is None else min(previous, remaining))
        try:
            return super().readinto(buffer)
        finally:
            sock.settimeout(previous)


class _DeadlineSocket:
    """What ``http.client.HTTPResponse`` needs of a socket: ``makefile``."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        raw = _DeadlineReader(self._sock, self._deadline)
        # As ``socket.makefile`` does: the connection may close the socket while the body
        # is still read (``Connection: close``); the file keeps it open until it is closed.
        self._sock._io_refs += 1  # type: ignore[attr-defined]
        return io.BufferedReader(raw)


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        deadline = _deadline.get()
        if deadline is not None:
            sock = _DeadlineSocket(sock, deadline)
        super().__init__(sock, *args, **kwargs)


class _Connection(HTTPConnection):
    response_class = _DeadlineResponse


class _TLSConnection(HTTPSConnection):
    response_class = _DeadlineResponse


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


_POOLS = {"http": _Pool, "https": _TLSPool}


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS  # type: ignore[assignment]

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS  # type: ignore[assignment]
        return manager


@functools.lru_cache(maxsize=64)
def _environ_proxies(origin: str) -> dict[str, str]:
    return dict(requests.utils.get_environ_proxies(origin))


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class DeadlineSession(requests.Session):
    """A ``requests.Session`` whose calls each finish by ``deadline`` seconds (or time out).

    ``request()`` takes ``deadline=`` per call (default: the session's); ``timeout`` stays
    the per-wait bound and is capped by the deadline.
    """

    def __init__(self, *, deadline: float, user_agent: str = "", pool_maxsize: int = 16) -> None:
        super().__init__()
        self.deadline = deadline
        if user_agent:
            self.headers["User-Agent"] = user_agent
        adapter = _Adapter(pool_connections=4, pool_maxsize=pool_maxsize, max_retries=0)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        # The environment is read once per origin, not scanned again on every call.
        self.trust_env = False
        self.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, deadline: float | None = None, **kwargs: Any
    ) -> requests.Response:
        total = self.deadline if deadline is None else deadline
        kwargs["timeout"] = _capped(kwargs.get("timeout"), total)
        if kwargs.get("proxies") is None:
            kwargs["proxies"] = _environ_proxies(_origin(url))
        token = _deadline.set(time.monotonic() + total)
        try:
            return super().request(method, url, *args, **kwargs)
        finally:
            _deadline.reset(token)

    def get_redirect_target(self, resp: requests.Response) -> None:
        # A redirect is answered as it came, never followed: it could lead a call carrying
        # credentials to another host (``requests`` follows them even for ``get()``).
        return None


def _capped(timeout: Any, total: float) -> tuple[float, float]:
    if timeout is None:
        return (total, total)
    if isinstance(timeout, tuple):
        connect, read = timeout
        return (min(connect or total, total), min(read or total, total))
    return (min(float(timeout), total), min(float(timeout), total))


def new_session(
    *, deadline: float, user_agent: str = "", pool_maxsize: int = 16
) -> DeadlineSession:
    """A session for one external API; keep one per module (connection pooling)."""
    return DeadlineSession(deadline=deadline, user_agent=user_agent, pool_maxsize=pool_maxsize)
