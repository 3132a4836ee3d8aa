"""How the session's login was established, recorded in one place.

A user-ID login (the partner's validation webhook said 200) is the weakest: a user ID is
no secret. Password and social logins are stronger. Sessions opened before the keys moved
to ``store.*`` are read under their old ``keymap.*`` names until they log in again.

Services that spend stored value, show or change personal data, connect accounts or put
personal claims in a token take the strength as an argument and call :func:`require`
(views pass ``of(request).strength``), so the promise holds whatever view calls them.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

logger = logging.getLogger(__name__)

SESSION_LOGIN_TYPE = "store.login_type"
SESSION_USER_ID_LOGIN = "store.user_id_login"
_OLD_LOGIN_TYPE, _OLD_USER_ID_LOGIN = "keymap.login_type", "keymap.user_id_login"
USER_ID_LOGIN_TYPE = "server_custom_id"  # the login type (a JWT's ``type``) of a user-ID login


class Strength(enum.IntEnum):
    USER_ID = 1
    CREDENTIAL = 2  # a password (the shop's or the partner's) or a social login


@dataclass(frozen=True)
class LoginStrength:
    strength: Strength
    login_type: str  # the JWT's ``type`` claim: store, partner, server_custom_id, a provider


class WeakLogin(PermissionDenied):
    """A user-ID-only login asked for something that needs a password or social login.

    A ``PermissionDenied``, so that a view that does not catch it answers 403, never 500;
    ``StoreMiddleware``'s guard ``keymap.user_id_session`` turns it into the stronger-login page.
    """

    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


def require(strength: Strength | LoginStrength, action: str) -> None:
    """Refuse ``action`` (a short name for the log) to a user-ID-only login."""
    level = strength.strength if isinstance(strength, LoginStrength) else strength
    if level <= Strength.USER_ID:
        logger.warning("refused to a user-ID-only login: %s", action)
        raise WeakLogin(action)


def record(request: Any, strength: Strength, login_type: str) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if strength <= Strength.USER_ID:
        session[SESSION_USER_ID_LOGIN] = True
    else:
        session.pop(SESSION_USER_ID_LOGIN, None)
    session[SESSION_LOGIN_TYPE] = login_type
    for old in (_OLD_LOGIN_TYPE, _OLD_USER_ID_LOGIN):
        session.pop(old, None)


def of(request: Any) -> LoginStrength:
    session = getattr(request, "session", None) or {}
    strength = Strength.USER_ID if _user_id_only(session) else Strength.CREDENTIAL
    login_type = session.get(SESSION_LOGIN_TYPE) or session.get(_OLD_LOGIN_TYPE) or "store"
    return LoginStrength(strength, str(login_type))


def is_user_id_only(request: Any) -> bool:
    session = getattr(request, "session", None)
    return session is not None and _user_id_only(session)


def _user_id_only(session: Any) -> bool:
    return bool(session.get(SESSION_USER_ID_LOGIN) or session.get(_OLD_USER_ID_LOGIN))
