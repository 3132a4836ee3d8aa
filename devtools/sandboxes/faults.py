"""Fault switches of the sandboxes, set over HTTP by the fault tests (``tests/faults/``).

``POST /sandbox/faults`` with a JSON object ``{"mode": M, "seconds": S}`` sets how the
sandbox answers the shop's server-to-server calls from then on (the pages a shopper's
browser opens are never affected), ``GET /sandbox/faults`` reads it back:

- ``"none"``: answer normally (the default);
- ``"slow"``: wait ``seconds`` (default 30) before answering normally, as a peer that
  times out;
- ``"error"``: ``503`` with a JSON error body;
- ``"garbage"``: ``200`` with a body that is not JSON;
- ``"reset"``: close the connection without an answer.

A peer that refuses connections is the sandbox's process stopped (``scripts/stack.py``
``Stack.stop_sandbox``).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

PATH = "/sandbox/faults"
MODES = ("none", "slow", "error", "garbage", "reset")


@dataclass
class FaultSwitch:
    mode: str = "none"
    seconds: float = 30.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "seconds": self.seconds}

    def control(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        """Answer ``GET``/``POST /sandbox/faults``."""
        if handler.command == "POST":
            try:
                data = json.loads(body or b"{}")
                mode = str(data.get("mode", "none"))
                seconds = float(data.get("seconds", 30.0))
            except (ValueError, AttributeError, TypeError):
                _send(
                    handler, 400, b'{"message": "expected {\\"mode\\": ..., \\"seconds\\": ...}"}'
                )
                return
            if mode not in MODES:
                _send(
                    handler, 400, json.dumps({"message": f"mode must be one of {MODES}"}).encode()
                )
                return
            with self.lock:
                self.mode, self.seconds = mode, seconds
        _send(handler, 200, json.dumps(self.as_json()).encode())

    def intercept(self, handler: BaseHTTPRequestHandler) -> bool:
        """Play the fault on this call; ``True`` when it was answered (or dropped) here."""
        with self.lock:
            mode, seconds = self.mode, self.seconds
        if mode == "slow":
            time.sleep(seconds)
            return False
        if mode == "error":
            _send(handler, 503, b'{"message": "service unavailable (sandbox fault)"}')
            return True
        if mode == "garbage":
            _send(handler, 200, b"<html>502 Bad Gateway</html>\x00\xff", "text/html")
            return True
        if mode == "reset":
            handler.close_connection = True
            return True
        return False


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json",
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
