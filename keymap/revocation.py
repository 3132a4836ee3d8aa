"""Revoking the shop's JWTs and sessions before they expire.

Issuing stays stateless (a JWT carries everything it needs); accepting one asks the
database whether it was revoked, by its ``jti`` (a logout) or by a per-customer "not
before" time (account disabled, sessions revoked at Kakao, account deleted). The rows
live in the database that every app server shares, never only in a process or the cache.

Sessions: ``user_logged_in`` stamps the session with the login time; the middleware
ends a session older than its customer's "not before" time.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CredentialsNotBefore, RevokedToken

logger = logging.getLogger(__name__)

SESSION_AUTH_AT = "keymap:auth_at"
SESSION_JTIS = "keymap:jwt_jtis"
MAX_SESSION_JTIS = 50  # a session asking for more tokens than this keeps the newest


def revoke_all(user: Any, reason: str) -> None:
    """Every session and JWT of ``user`` established until now stops being accepted."""
    now = timezone.now()
    CredentialsNotBefore.objects.update_or_create(
        user_id=user.pk, defaults={"not_before": now, "reason": reason[:60]}
    )
    logger.info("credentials of user %s revoked (%s)", user.pk, reason)


def revoke_token(claims: dict[str, Any], user: Any | None = None) -> None:
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        return
    exp = claims.get("exp")
    expires = datetime.fromtimestamp(exp if isinstance(exp, int) else time.time(), tz=UTC)
    try:
        with transaction.atomic():
            RevokedToken.objects.create(
                jti=jti[:64], user_id=getattr(user, "pk", None), expires_at=expires
            )
    except IntegrityError:
        pass  # already revoked


def remember_issued(session: Any, claims: dict[str, Any]) -> None:
    """The session's tokens, so that its logout revokes exactly them."""
    issued = [entry for entry in session.get(SESSION_JTIS, []) if entry[1] > time.time()]
    issued.append([claims["jti"], claims["exp"]])
    session[SESSION_JTIS] = issued[-MAX_SESSION_JTIS:]


def revoke_session_tokens(session: Any, user: Any | None) -> int:
    issued = session.get(SESSION_JTIS, [])
    for jti, exp in issued:
        if exp > time.time():
            revoke_token({"jti": jti, "exp": exp}, user)
    return len(issued)


def _not_before(user_id: Any) -> float | None:
    value = (
        CredentialsNotBefore.objects.filter(user_id=user_id)
        .values_list("not_before", flat=True)
        .first()
    )
    return value.timestamp() if value else None


def is_token_revoked(claims: dict[str, Any]) -> bool:
    """Whether verified claims belong to a revoked token (two indexed lookups)."""
    jti = claims.get("jti")
    if isinstance(jti, str) and RevokedToken.objects.filter(jti=jti[:64]).exists():
        return True
    try:
        not_before = _not_before(int(claims["sub"]))
    except (KeyError, TypeError, ValueError):
        return False
    # ``iat`` has whole seconds: a token of the revoking second is revoked as well.
    return not_before is not None and int(claims.get("iat", 0)) <= int(not_before)


def stamp_login(session: Any) -> None:
    session[SESSION_AUTH_AT] = time.time()


def is_session_revoked(session: Any, user_id: Any) -> bool:
    not_before = _not_before(user_id)
    if not_before is None:
        return False
    return float(session.get(SESSION_AUTH_AT, 0)) < not_before


def prune() -> int:
    """Revoked tokens past their expiry are rejected by ``exp`` anyway."""
    deleted, _ = RevokedToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
