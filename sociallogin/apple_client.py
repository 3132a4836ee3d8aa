"""Sign in with Apple's REST API calls that allauth does not make: token revocation.

The call goes through the social adapter's requests session, so it has allauth's timeout
and reaches a sandbox wherever the other Apple calls do. A POST to Apple is not retried.
Errors carry Apple's error code and the HTTP status, never a token or the client secret.
"""

from __future__ import annotations

import time

import jwt
import requests

REVOKE_URL = "https://appleid.apple.com/auth/revoke"
AUDIENCE = "https://appleid.apple.com"


class AppleError(Exception):
    """Apple refused the call, or did not answer."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def __str__(self) -> str:
        parts = [str(self.args[0])]
        if self.code:
            parts.append(f"code={self.code}")
        if self.status is not None:
            parts.append(f"status={self.status}")
        return " ".join(parts)


def client_secret(*, client_id: str, team_id: str, key_id: str, private_key: str) -> str:
    """The ES256 JWT Apple takes as ``client_secret``, with the claims allauth's Apple
    client signs for the token call. Built here because allauth's builder reads the app
    through the adapter, which yields only providers offered right now, and a customer
    who joined with Apple must have their tokens revoked even after Apple login is off."""
    now = int(time.time())
    claims = {"iss": team_id, "aud": AUDIENCE, "sub": client_id, "iat": now, "exp": now + 300}
    return jwt.encode(claims, private_key, algorithm="ES256", headers={"kid": key_id})


def revoke_refresh_token(*, client_id: str, secret: str, token: str) -> None:
    """``POST /auth/revoke``: Apple answers 200 also for a token already revoked."""
    from allauth.socialaccount.adapter import get_adapter

    data = {
        "client_id": client_id,
        "client_secret": secret,
        "token": token,
        "token_type_hint": "refresh_token",
    }
    try:
        with get_adapter().get_requests_session() as session:
            resp = session.post(REVOKE_URL, data=data)
    except requests.RequestException as exc:
        raise AppleError(f"no answer ({type(exc).__name__})") from None
    if resp.status_code == 200:
        return
    code = ""
    try:
        body = resp.json()
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            code = body["error"][:50]
    except ValueError:
        pass
    raise AppleError("revocation refused", status=resp.status_code, code=code)
