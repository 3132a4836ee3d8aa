"""Every login, as one ordered list of named steps over one context.

Read ``STAGES`` top to bottom to follow a login from the button to the customer row. Each
stage is run by one entry point that allauth or Django calls through their public API:

- ``social.before_write``: the social adapter's ``pre_social_login`` (allauth has the
  provider's answer, nothing is written yet; a step stops the login by raising allauth's
  ``ImmediateHttpResponse``);
- ``social.signup``: the social adapter's ``save_user``, inside the signup's transaction
  (also when the "finish joining" form was needed);
- ``signed_up``: allauth's ``user_signed_up``, any signup (store form or social);
- ``social.connected``: allauth's ``social_account_added`` (connected from the account page);
- ``logged_in``: Django's ``user_logged_in``, for every ``login()`` whatever view calls it
  (a social login or a user-ID login under way on the request is named by :func:`announce`,
  anything else is a password login), and allauth's ``user_logged_in`` again for social
  logins (after Django's, with the provider's answer). A step refuses a login by raising
  allauth's ``ImmediateHttpResponse`` after logging the session out.

Password logins through the partner and user-ID logins ask the partner inside
``keymap.backends.PartnerBackend`` / the user-ID view (``keymap.flows``), before Django's
``login()``; they join this list at ``logged_in``.

Apps register the functions for their names in ``AppConfig.ready`` with :func:`register`;
a name whose app is not installed is skipped. Steps talk to each other only through the
:class:`LoginContext`. ``store`` imports none of the apps that register here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from django.core import checks
from django.http import HttpRequest

from .login_strength import Strength
from .services.customers import ProfileChange

__all__ = [
    "STAGES",
    "LoginContext",
    "PartnerAnswer",
    "ProfileChange",
    "announce",
    "in_request",
    "register",
    "run",
    "under_way",
]

logger = logging.getLogger("store.login_pipeline")

Stage = Literal[
    "social.before_write", "social.signup", "signed_up", "social.connected", "logged_in"
]
Kind = Literal["social", "password", "user_id", "signup"]

STAGES: dict[str, tuple[str, ...]] = {
    "social.before_write": (
        "sociallogin.refuse_unavailable_provider",  # off, age-restricted, not for this browser
        "sociallogin.one_first_login_at_a_time",  # a parallel first login finds the first's user
        "sociallogin.screen_new_account",  # deleted-account tombstone; proof of ownership
        "kakaosync.read_terms_and_channel",  # Kakao's two Sync reads; required terms on signup
        "kakaosync.claimed_account_to_ownership",  # KakaoTalk browser: a claimed store account
        "keymap.refuse_user_id_connect",  # a user-ID session connects no social account
        "keymap.ask_partner",  # social-login webhook, key name map; links an existing login
    ),
    # All in the signup's transaction: a request cut off after the commit (a database
    # restart) leaves no customer without its benefits, its partner link or its Sync data.
    "social.signup": (
        "sociallogin.collect_profile",  # provider's answer + the form, minus hidden fields
        "keymap.store_partner_answer",  # the social-login answer: link, profile values
        # The Customer row with each value's source and time, inserted with the welcome
        # benefits (exactly once per customer).
        "store.write_customer",
        "sociallogin.keep_signup_details",  # address, terms agreement of the form
        "kakaosync.store_sync_data",  # terms, channel: the new member's row
    ),
    "signed_up": (
        "store.onboard",  # a signup through the store's form (a social one was onboarded)
    ),
    "social.connected": ("kakaosync.store_sync_data",),
    "logged_in": (
        "kakaosync.refuse_outside_kakao",  # KakaoTalk browser, option on: Kakao logins only
        "kakaosync.store_sync_data",  # terms, marketing consent, channel on the customer
        "store.record_login_strength",  # user ID < password / social; the JWT's type
        "store.onboard_deferred",  # a user-ID join's welcome benefits, at its first strong login
        "keymap.stamp_session_login_time",  # sessions older than a revocation end
    ),
}

# What survives the social signup form rides on ``sociallogin.state`` under this key.
STATE_KEY = "login_pipeline"


@dataclass
class PartnerAnswer:
    webhook: str
    values: dict[str, Any]  # the answer through the admin's key name map
    answer: dict[str, Any]  # the raw answer (capped), kept for the JWT's partner_data


@dataclass
class LoginContext:
    request: HttpRequest  # every entry point has one (allauth's and Django's signals too)
    kind: Kind
    provider: str = ""  # a provider id; "" for store logins
    strength: Strength = Strength.CREDENTIAL
    login_type: str = "store"
    sociallogin: Any = None  # allauth's SocialLogin, for social kinds
    user: Any = None
    is_new: bool = False  # no local user yet when the login started
    signed_up: bool = False  # this login created the customer (kept for later stages)
    onboarded: bool = False  # its welcome benefits were granted (kept: not asked twice)
    form: Any = None  # the social signup form, when it was needed
    provider_profile: dict[str, Any] = field(default_factory=dict)
    kakao: dict[str, Any] | None = None  # Kakao Sync's answer (JSON-safe)
    partner: PartnerAnswer | None = None
    changes: dict[str, ProfileChange] = field(default_factory=dict)

    @classmethod
    def for_social(
        cls, request: HttpRequest, sociallogin: Any, *, user: Any = None
    ) -> LoginContext:
        """The context of a social login, with what earlier stages kept on its state."""
        kept = sociallogin.state.get(STATE_KEY) or {}
        partner = kept.get("partner")
        return cls(
            request=request,
            kind="social",
            provider=sociallogin.account.provider,
            login_type=sociallogin.account.provider,
            sociallogin=sociallogin,
            user=user if user is not None else sociallogin.user,
            signed_up=bool(kept.get("signed_up")),
            onboarded=bool(kept.get("onboarded")),
            kakao=kept.get("kakao"),
            partner=PartnerAnswer(**partner) if partner else None,
            changes={k: _change_from_state(v) for k, v in (kept.get("changes") or {}).items()},
        )

    def keep(self) -> None:
        """Put what later stages need on ``sociallogin.state`` (JSON-safe, minimal)."""
        if self.sociallogin is None:
            return
        kept: dict[str, Any] = {"signed_up": self.signed_up, "onboarded": self.onboarded}
        if self.kakao is not None:
            kept["kakao"] = self.kakao
        if self.partner is not None:
            kept["partner"] = {
                "webhook": self.partner.webhook,
                "values": {k: str(v) for k, v in self.partner.values.items()},
                "answer": self.partner.answer,
            }
        if self.changes:
            kept["changes"] = {k: _change_to_state(v) for k, v in self.changes.items()}
        self.sociallogin.state[STATE_KEY] = kept


def _change_to_state(change: ProfileChange) -> list[Any]:
    value = change.value.isoformat() if isinstance(change.value, date) else change.value
    return [value, change.source, change.at.isoformat(), isinstance(change.value, date)]


def _change_from_state(kept: list[Any]) -> ProfileChange:
    value, source, at, is_date = kept
    return ProfileChange(
        date.fromisoformat(value) if is_date else value, source, datetime.fromisoformat(at)
    )


# What one stage of a login hands to a later stage of the same request and that cannot ride
# on ``sociallogin.state`` (it is not JSON, or Django's ``user_logged_in`` does not carry it):
# one dictionary on the request, named here and nowhere else, keyed by step name.
_IN_REQUEST = "_store_login_pipeline"


def in_request(request: Any) -> dict[str, Any]:
    """This request's hand-over between stages (empty outside a login)."""
    if request is None:
        return {}
    found = getattr(request, _IN_REQUEST, None)
    if found is None:
        found = {}
        setattr(request, _IN_REQUEST, found)
    return found


def announce(request: Any, kind: Kind, provider: str = "") -> None:
    """Name the login under way on this request, for the ``logged_in`` stage (Django's
    ``user_logged_in`` does not say how the user logged in)."""
    in_request(request)["under_way"] = (kind, provider)


def under_way(request: Any) -> tuple[Kind, str]:
    """(kind, provider) of the login under way; a password login unless announced."""
    return in_request(request).get("under_way") or ("password", "")


Step = Callable[[LoginContext], None]
_steps: dict[str, Step] = {}


def register(name: str, step: Step) -> None:
    _steps[name] = step


def run(stage: Stage, ctx: LoginContext) -> LoginContext:
    if ctx.sociallogin is not None and stage != "logged_in":
        announce(ctx.request, "social", ctx.provider)
    for name in STAGES[stage]:
        step = _steps.get(name)
        if step is not None:
            step(ctx)
            # Kept after every step: a step may make allauth send a signal that runs
            # another stage at once (keymap connecting a login to its linked customer).
            ctx.keep()
    return ctx


def check_registered(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    listed = {name for names in STAGES.values() for name in names}
    return [
        checks.Error(
            f"Login pipeline step {name!r} is registered but not listed in STAGES.",
            hint="Add it to store.login_pipeline.STAGES where it belongs in the order.",
            obj=name,
            id="store.E003",
        )
        for name in sorted(set(_steps) - listed)
    ]
