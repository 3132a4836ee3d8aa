"""Revoking the shop's JWTs and sessions before they expire.

Issuing stays stateless (a JWT carries everything it needs); accepting one asks the
database whether it was revoked, by its session (a logout: claim ``sid``) or by a
per-customer "not before" time (account disabled, sessions revoked at Kakao, account
deleted). The rows live in the database that every app server shares, never only in a
process or the cache.

A logout names its session, not the tokens the session was given: a list of them kept in
the session lost tokens to its length cap and to parallel requests overwriting each
other's save.

Sessions: ``user_logged_in`` stamps the session with the login time; the middleware
ends a session older than its customer's "not before" time.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import IntegerField, QuerySet, Value
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .app_settings import app_settings
from .models import CredentialsNotBefore, RevokedSession

logger = logging.getLogger(__name__)

SESSION_AUTH_AT = "keymap:auth_at"
SESSION_TOKEN_ID = "keymap:jwt_sid"
_SESSION_ID_SALT = "keymap.revocation.session_token_id"


def revoke_all(user: Any, reason: str) -> None:
    """Every session and JWT of ``user`` established until now stops being accepted."""
    now = timezone.now()
    CredentialsNotBefore.objects.update_or_create(
        user_id=user.pk, defaults={"not_before": now, "reason": reason[:60]}
    )
    logger.info("credentials of user %s revoked (%s)", user.pk, reason)


def _derived_session_id(session_key: str) -> str:
    # A keyed hash: the claim is readable by whoever holds the token, the session key
    # would let them ride the session.
    return salted_hmac(_SESSION_ID_SALT, session_key, algorithm="sha256").hexdigest()


def session_token_id(session: Any) -> str:
    """The id this session's JWTs carry as ``sid``, the same for every token it is given.

    Derived from the session key, so parallel first requests agree whichever of their
    session saves wins; then kept in the session, so that a new key (a password change
    cycles it, a signed-cookie session's key changes with its contents) does not split
    the session's tokens in two.
    """
    stored = session.get(SESSION_TOKEN_ID)
    if isinstance(stored, str) and stored:
        return stored
    if not session.session_key:
        session.save()
    key = session.session_key
    sid = _derived_session_id(key) if key else secrets.token_hex(32)
    session[SESSION_TOKEN_ID] = sid
    return sid


def revoke_session_tokens(session: Any, user: Any | None) -> int:
    """Every JWT given to ``session`` stops being accepted; the number of ids revoked."""
    stored = session.get(SESSION_TOKEN_ID)
    ids = {stored} if isinstance(stored, str) and stored else set()
    if session.session_key and (user is not None or ids):
        # Also the id of the current key: a token request whose session save was then
        # overwritten by a parallel request handed out this id without keeping it.
        ids.add(_derived_session_id(session.session_key))
    if not ids:
        return 0
    # The session's last token expires at the latest one lifetime from now.
    expires = timezone.now() + timedelta(
        seconds=app_settings.JWT_LIFETIME + app_settings.JWT_LEEWAY
    )
    RevokedSession.objects.bulk_create(
        [
            RevokedSession(sid=sid, user_id=getattr(user, "pk", None), expires_at=expires)
            for sid in sorted(ids)
        ],
        # A second logout of the same session (two tabs) extends the row, never fails.
        update_conflicts=True,
        unique_fields=["sid"],
        update_fields=["expires_at"],
    )
    return len(ids)


def _not_before(user_id: Any) -> float | None:
    value = (
        CredentialsNotBefore.objects.filter(user_id=user_id)
        .values_list("not_before", flat=True)
        .first()
    )
    return value.timestamp() if value else None


def is_token_revoked(claims: dict[str, Any]) -> bool:
    """Whether verified claims belong to a revoked token: its session logged out, or its
    customer's credentials revoked at or after its ``iat`` (one query for both)."""
    sid = claims.get("sid")
    if not isinstance(sid, str) or not sid:
        return True  # no logout could revoke it: not one of ours to accept
    one = Value(1, output_field=IntegerField())
    revoked: QuerySet[Any, Any] = RevokedSession.objects.filter(sid=sid[:64]).values_list(one)
    try:
        # ``iat`` has whole seconds: a token of the revoking second is revoked as well.
        issued_at = datetime.fromtimestamp(int(claims["iat"]), tz=UTC)
        cut_off = CredentialsNotBefore.objects.filter(
            user_id=claims["sub"], not_before__gte=issued_at
        ).values_list(one)
    except (KeyError, TypeError, ValueError, OverflowError, ValidationError):
        return revoked.exists()
    return revoked.union(cut_off).exists()


def stamp_login(session: Any) -> None:
    session[SESSION_AUTH_AT] = time.time()


def is_session_revoked(session: Any, user_id: Any) -> bool:
    not_before = _not_before(user_id)
    if not_before is None:
        return False
    return float(session.get(SESSION_AUTH_AT, 0)) < not_before


def prune() -> int:
    """Revoked sessions whose tokens have all expired (``exp`` refuses them anyway)."""
    deleted, _ = RevokedSession.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
