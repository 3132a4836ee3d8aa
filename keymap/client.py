"""The partner's API: one function per webhook, one shared session (``store.http``).

Every call is a JSON POST signed with HMAC-SHA256 over the raw body
(``X-Store-Signature: sha256=<hex>``, ``X-Store-Webhook``, ``X-Store-Delivery``), with a
connect and a read timeout and the webhook's timeout as a total deadline (status line,
headers and body), keep-alive, no redirects followed and at most
``KEYMAP_MAX_ANSWER_BYTES`` read. Every call is recorded as a :class:`Delivery` (no
payload, so no password), and logged without payload or secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from store.http import new_session

from .app_settings import app_settings
from .models import Delivery, Webhook, WebhookName

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Store-Signature"
WEBHOOK_HEADER = "X-Store-Webhook"
DELIVERY_HEADER = "X-Store-Delivery"

# Logins are not idempotent at the partner (creation): no retries, ever.
_session = new_session(deadline=30.0, user_agent="django-social-store-keymap/1")
_session.headers.update(
    {
        "Accept": "application/json",
        # Answers are small: uncompressed keeps the size cap a cap on memory too (a few
        # KiB of gzip can inflate to many MiB inside a single read).
        "Accept-Encoding": "identity",
    }
)


class PartnerUnavailable(Exception):
    """Down, slow, 5xx, a redirect or an unusable answer: not the shopper's fault."""

    def __init__(self, message: Any, delivery: Delivery) -> None:
        super().__init__(str(message))
        self.message = message
        self.delivery = delivery


@dataclass
class Answer:
    """A 2xx or 4xx answer: ``data`` is the JSON object the partner sent (or empty)."""

    status: int
    data: dict[str, Any]
    delivery: Delivery
    ok: bool = field(init=False)

    def __post_init__(self) -> None:
        self.ok = 200 <= self.status < 300

    @property
    def reason(self) -> str:
        """The partner's own explanation of a refusal, if it sent one as text."""
        for key in ("message", "error", "detail", "reason"):
            value = self.data.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:300]
        return ""


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(sign(secret, body), str(header))


def _read_limited(response: requests.Response, limit: int) -> bytes | None:
    """The body, or ``None`` past ``limit`` bytes; ``requests.Timeout`` past the deadline.

    The session's deadline bounds every read of the answer; ``read1`` returns what has
    arrived instead of waiting for a full chunk, so the size cap is checked as bytes come.
    """
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        return None
    chunks, size = [], 0
    while True:
        try:
            chunk = response.raw.read1(65536, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.ReadTimeout(str(exc)) from None
        except urllib3.exceptions.HTTPError as exc:
            raise requests.ConnectionError(str(exc)) from None
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@sensitive_variables("payload", "body")
def post(hook: Webhook, payload: dict[str, Any], *, require_json: bool = True) -> Answer:
    """Send one signed call; an answer with status 2xx/4xx, else :class:`PartnerUnavailable`.

    2xx must carry a JSON object when ``require_json``; 4xx may carry one (the reason).
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    delivery_id = uuid.uuid4()
    headers = {
        "Content-Type": "application/json",
        WEBHOOK_HEADER: hook.name,
        DELIVERY_HEADER: str(delivery_id),
        SIGNATURE_HEADER: sign(hook.secret or "", body),
    }
    started = time.perf_counter()
    status: int | None = None
    error = ""
    data: Any = None
    outcome = Delivery.Outcome.OK
    try:
        with _session.request(
            "POST",
            hook.url,
            data=body,
            headers=headers,
            timeout=(app_settings.CONNECT_TIMEOUT, hook.timeout),
            deadline=hook.timeout,
            stream=True,
        ) as response:
            status = response.status_code
            raw = _read_limited(response, app_settings.MAX_ANSWER_BYTES)
        if 300 <= status < 400:
            outcome, error = Delivery.Outcome.UNAVAILABLE, "redirect not followed"
        elif status >= 500 or status < 200:
            outcome, error = Delivery.Outcome.UNAVAILABLE, f"HTTP {status}"
        elif raw is None:
            outcome = Delivery.Outcome.BAD_ANSWER
            error = f"answer larger than {app_settings.MAX_ANSWER_BYTES} bytes"
        else:
            data, error = _parse(raw, required=require_json and status < 300)
            if error:
                outcome = Delivery.Outcome.BAD_ANSWER
            elif status == 404:
                outcome = Delivery.Outcome.NOT_FOUND
            elif status >= 400:
                outcome = Delivery.Outcome.REFUSED
    except requests.Timeout:
        outcome, error = Delivery.Outcome.UNAVAILABLE, f"no answer within {hook.timeout:g} s"
    except requests.RequestException as exc:
        # The exception text names the URL and the cause, never our payload; a token in
        # the URL's query or user info is cut out.
        text = f"{type(exc).__name__}: {exc}"
        for secret_part in _url_secrets(hook.url):
            text = text.replace(secret_part, "…")
        outcome, error = Delivery.Outcome.UNAVAILABLE, text[:500]
    duration = (time.perf_counter() - started) * 1000
    delivery = Delivery.objects.create(
        delivery_id=delivery_id,
        webhook=hook.name,
        url=redact_url(hook.url)[:500],
        outcome=outcome,
        status_code=status,
        duration_ms=round(duration, 2),
        error=error,
    )
    log = (
        logger.info
        if outcome in (Delivery.Outcome.OK, Delivery.Outcome.NOT_FOUND)
        else logger.warning
    )
    log(
        "partner webhook %s delivery %s: %s (HTTP %s, %.1f ms)%s",
        hook.name,
        delivery_id,
        outcome,
        status,
        duration,
        f" {error}" if error else "",
    )
    if outcome in (Delivery.Outcome.UNAVAILABLE, Delivery.Outcome.BAD_ANSWER):
        raise PartnerUnavailable(_describe(outcome, error), delivery)
    assert status is not None
    return Answer(status=status, data=data or {}, delivery=delivery)


def _url_secrets(url: str) -> list[str]:
    parts = urlsplit(url)
    return [p for p in (parts.query, parts.username or "", parts.password or "") if p]


def redact_url(url: str) -> str:
    """The webhook URL as recorded: without a query or user info, which may carry a key."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    query = "…" if parts.query else ""
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


def _parse(raw: bytes, *, required: bool) -> tuple[Any, str]:
    if not raw.strip():
        return (None, "empty answer where JSON was expected") if required else ({}, "")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return (None, "answer is not JSON") if required else ({}, "")
    if not isinstance(data, dict):
        return (None, "answer is JSON but not an object") if required else ({}, "")
    return data, ""


def _describe(outcome: str, error: str) -> Any:
    if outcome == Delivery.Outcome.BAD_ANSWER:
        return _("The partner's user database sent an answer the shop cannot use.")
    return _("The login service is unavailable at the moment. Please try again shortly.")


# One function per remote call, plain values in, an Answer out.


@sensitive_variables("password")
def authenticate_user(hook: Webhook, *, login: str, password: str) -> Answer:
    # The only call that carries a password.
    return post(hook, {"login": login, "password": password})


def create_user(hook: Webhook, *, username: str, email: str, profile: dict[str, Any]) -> Answer:
    return post(hook, {"username": username, "email": email, "profile": profile})


def social_login(
    hook: Webhook,
    *,
    provider: str,
    uid: str,
    email: str,
    email_verified: bool,
    profile: dict[str, Any],
) -> Answer:
    return post(
        hook,
        {
            "provider": provider,
            "uid": uid,
            "email": email,
            "email_verified": email_verified,
            "profile": profile,
        },
    )


def validate_user(hook: Webhook, *, user_id: str) -> Answer:
    return post(hook, {"user_id": user_id}, require_json=False)


WEBHOOK_CALLS = {
    WebhookName.USER_AUTHENTICATION: authenticate_user,
    WebhookName.USER_CREATION: create_user,
    WebhookName.SOCIAL_LOGIN: social_login,
    WebhookName.USER_VALIDATION: validate_user,
}
