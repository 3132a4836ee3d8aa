"""The partner sandbox's HTTP server and its user table.

For the fault tests: ``/sandbox/faults`` (see ``devtools.sandboxes.faults``) breaks the
webhooks' answers; ``POST /sandbox/social-login-as`` with ``{"player_id": P}`` answers
every social-login webhook as that user from then on (``{"player_id": null}`` ends it), as a
partner that knows many social accounts as one of its users.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from devtools.sandboxes import serve_until_interrupted

from ..faults import PATH as FAULTS_PATH
from ..faults import FaultSwitch
from .example import WEBHOOK_PATHS

logger = logging.getLogger("devtools.sandboxes.partner")

PATHS = {path: name for name, path in WEBHOOK_PATHS.items()}
RECEIVED_KEPT = 1000  # calls kept for tests to read
MAX_BODY = 64 * 1024


@dataclass
class PartnerUser:
    player_id: str
    username: str
    password: str
    email: str
    first_name: str = ""
    last_name: str = ""
    gender: str = ""
    birthday: str = ""
    # (provider, email) pairs of social accounts the partner already knows as this user.
    social_emails: set[str] = field(default_factory=set)

    def answer(self) -> dict[str, Any]:
        """The seed's example answer shape."""
        return {
            "user": {"player_id": self.player_id, "email": self.email},
            "user_info": {
                "username": self.username,
                "user_first_name": self.first_name,
                "user_last_name": self.last_name,
                "gender": self.gender or None,
                "birthday": self.birthday or None,
                "country": "KR",
                "language": "ko",
            },
            "subscription_status": "active",
            "loyalty_level": "gold",
        }


def demo_users() -> list[PartnerUser]:
    return [
        PartnerUser(
            "12345678",
            "gamer123",
            "gamer-pass-123",
            "user@example.com",
            "John",
            "Doe",
            "male",
            "1990-05-15",
            social_emails={"user@example.com"},
        ),
        PartnerUser(
            "87654321", "minji", "minji-pass-123", "minji@example.com", "Minji", "Kim", "female",
            "19951103",
        ),
    ]  # fmt: skip


class PartnerSandbox:
    """The user table and the four webhooks' logic (thread-safe)."""

    def __init__(self, secret: str, users: list[PartnerUser] | None = None) -> None:
        self.secret = secret
        self.users: dict[str, PartnerUser] = {}
        # Look-ups by login and by e-mail, as a partner's database indexes them: a load
        # test adds a partner user per new Kakao account, and a scan under the lock made
        # the sandbox, not the shop, the bottleneck after a few thousand signups.
        self._by_login: dict[str, PartnerUser] = {}
        self._by_social_email: dict[str, PartnerUser] = {}
        for user in demo_users() if users is None else users:
            self._add(user)
        self.lock = threading.Lock()
        self.received: list[dict[str, Any]] = []
        self._next_id = 90000000
        self.faults = FaultSwitch()
        self.social_login_as: str | None = None

    def _add(self, user: PartnerUser) -> None:
        self.users[user.player_id] = user
        for key in (user.username.lower(), user.email.lower(), user.player_id):
            self._by_login.setdefault(key, user)
        for email in (user.email.lower(), *user.social_emails):
            if email:
                self._by_social_email.setdefault(email, user)

    def by_login(self, login: str) -> PartnerUser | None:
        return self._by_login.get(login.strip().lower())

    def handle(self, webhook: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.received.append(
                {"webhook": webhook, **{k: v for k, v in data.items() if k != "password"}}
            )
            if len(self.received) > 2 * RECEIVED_KEPT:  # a load test's calls, not all kept
                del self.received[:RECEIVED_KEPT]
            if webhook == "user_authentication":
                user = self.by_login(str(data.get("login", "")))
                if user is None or not hmac.compare_digest(
                    user.password, str(data.get("password", ""))
                ):
                    return 401, {"message": "Wrong user name or password."}
                return 200, user.answer()
            if webhook == "user_creation":
                username = str(data.get("username") or "").strip()
                email = str(data.get("email") or "").strip()
                if not username or self.by_login(username) or (email and self.by_login(email)):
                    return 409, {
                        "message": "This user name or email is already taken at the partner."
                    }
                self._next_id += 1
                user = PartnerUser(str(self._next_id), username, "", email)
                self._add(user)
                return 201, user.answer()
            if webhook == "social_login":
                if self.social_login_as in self.users:
                    return 200, self.users[self.social_login_as].answer()
                email = str(data.get("email") or "").strip().lower()
                # Recognised by e-mail only when the provider verified the address.
                known = self._by_social_email.get(email) if email else None
                if data.get("email_verified") is True and known is not None:
                    return 200, known.answer()
                self._next_id += 1
                name = email.split("@")[0] or f"social{self._next_id}"
                user = PartnerUser(str(self._next_id), name, "", email)
                self._add(user)
                return 200, user.answer()
            if webhook == "user_validation":
                user_id = str(data.get("user_id") or "")
                if user_id in self.users:
                    return 200, {"exists": True}
                return 404, {"message": "No such user."}
        return 404, {"message": "unknown webhook"}


def _handler(sandbox: PartnerSandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the shop's session expects
        # Headers and body in one segment: with keep-alive, separate small writes would
        # wait for a delayed ACK (40 ms per call on Linux).
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug(format, *args)

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == FAULTS_PATH:
                sandbox.faults.control(self, b"")
            elif self.path == "/":
                users = [
                    {"player_id": u.player_id, "username": u.username, "email": u.email}
                    for u in sandbox.users.values()
                ]
                self._send(200, {"partner_sandbox": True, "users": users})
            else:
                self._send(404, {"message": "not found"})

        def do_POST(self) -> None:
            webhook = PATHS.get(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"message": "too large"})
                return
            body = self.rfile.read(length)
            if self.path == FAULTS_PATH:
                sandbox.faults.control(self, body)
                return
            if self.path == "/sandbox/social-login-as":
                try:
                    player_id = json.loads(body or b"{}").get("player_id")
                except (ValueError, AttributeError):
                    self._send(400, {"message": 'expected {"player_id": ...}'})
                    return
                with sandbox.lock:
                    sandbox.social_login_as = None if player_id is None else str(player_id)
                self._send(200, {"player_id": sandbox.social_login_as})
                return
            if webhook is None:
                self._send(404, {"message": "unknown webhook"})
                return
            expected = (
                "sha256=" + hmac.new(sandbox.secret.encode(), body, hashlib.sha256).hexdigest()
            )
            if not hmac.compare_digest(expected, self.headers.get("X-Store-Signature", "")):
                self._send(401, {"message": "bad signature"})
                return
            if self.headers.get("X-Store-Webhook") != webhook:
                self._send(400, {"message": "X-Store-Webhook does not match the URL"})
                return
            try:
                data = json.loads(body)
            except ValueError:
                self._send(400, {"message": "not JSON"})
                return
            if not isinstance(data, dict):
                self._send(400, {"message": "not an object"})
                return
            if sandbox.faults.intercept(self):
                return
            status, payload = sandbox.handle(webhook, data)
            self._send(status, payload)

    return Handler


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) resets connections when many logins arrive at once.
    request_queue_size = 128
    daemon_threads = True


def start(
    secret: str, *, host: str = "127.0.0.1", port: int = 0, users: list[PartnerUser] | None = None
) -> tuple[ThreadingHTTPServer, PartnerSandbox, str]:
    """Serve in a daemon thread; returns (server, sandbox, base URL). ``server.shutdown()``."""
    sandbox = PartnerSandbox(secret, users)
    server = _Server((host, port), _handler(sandbox))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="partner-sandbox").start()
    return server, sandbox, f"http://{host}:{server.server_address[1]}"


def serve(secret: str, host: str, port: int) -> None:
    sandbox = PartnerSandbox(secret)
    server = _Server((host, port), _handler(sandbox))
    server.daemon_threads = True
    print(
        f"partner sandbox on http://{host}:{port}/ (users: "
        f"{', '.join(u.username for u in sandbox.users.values())})",
        flush=True,
    )
    serve_until_interrupted(server)
