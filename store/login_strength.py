"""How the session's login was established, recorded in one place.

A user-ID login (the partner's validation webhook said 200) is the weakest: a user ID is
no secret. Password and social logins are stronger. The session keys keep the names they
had under ``keymap`` so that sessions already open keep their meaning.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

SESSION_LOGIN_TYPE = "keymap.login_type"
SESSION_USER_ID_LOGIN = "keymap.user_id_login"


class Strength(enum.IntEnum):
    USER_ID = 1
    CREDENTIAL = 2  # a password (the shop's or the partner's) or a social login


@dataclass(frozen=True)
class LoginStrength:
    strength: Strength
    login_type: str  # the JWT's ``type`` claim: store, partner, server_custom_id, a provider


def record(request: Any, strength: Strength, login_type: str) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if strength <= Strength.USER_ID:
        session[SESSION_USER_ID_LOGIN] = True
    else:
        session.pop(SESSION_USER_ID_LOGIN, None)
    session[SESSION_LOGIN_TYPE] = login_type


def of(request: Any) -> LoginStrength:
    session = getattr(request, "session", None) or {}
    strength = Strength.USER_ID if session.get(SESSION_USER_ID_LOGIN) else Strength.CREDENTIAL
    return LoginStrength(strength, str(session.get(SESSION_LOGIN_TYPE, "store")))


def is_user_id_only(request: Any) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_USER_ID_LOGIN))
