"""Every login, as one ordered list of steps over one context per login.

The list is ``store.default_pipeline.PIPELINE`` (read it top to bottom), or the host's
``STORE_LOGIN_PIPELINE``. Each stage is run by the hook it is named after, once per login:
allauth's social adapter (``pre_social_login``, ``save_user``, in ``sociallogin.adapter``),
allauth's ``user_signed_up`` and ``social_account_added`` and Django's ``user_logged_in``
(``store.login_steps``). Password logins through the partner and user-ID logins ask the
partner before Django's ``login()`` and join the list at ``user_logged_in``.

One :class:`LoginContext` per login, created at the login's first hook and kept on the
request; every later hook of the same request finds it there. It is written out onto
allauth's ``SocialLogin`` only where a social login leaves the request (allauth's "finish
joining" form, the proof of ownership, a host's own form through :func:`pause`) and
restored from it where the login resumes. Apps keep their own typed pieces of a login's
state as :class:`LoginPart` dataclasses on the context.

A step is a function of the context, named by its dotted path; :func:`login_step` declares
which providers and kinds of login it applies to (the engine skips it for the others) and
the promise it holds, if any. ``manage.py check`` reports an Error when a promise's step
is missing from the configured list, or a listed step cannot be imported
(:func:`check_pipeline`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Literal, NoReturn, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.module_loading import import_string

from . import crypto
from .default_pipeline import PIPELINE
from .login_strength import Strength
from .services.customers import ProfileChange

__all__ = [
    "PROMISES",
    "LoginContext",
    "LoginPart",
    "ProfileChange",
    "begin",
    "current",
    "for_social",
    "login_step",
    "pause",
    "paused",
    "resume",
    "run",
    "steps_of",
]

logger = logging.getLogger(__name__)

Stage = Literal[
    "pre_social_login", "save_user", "user_signed_up", "social_account_added", "user_logged_in"
]
Kind = Literal["social", "password", "user_id", "signup"]

# The promises the default steps hold, by id: what a login would lose without the step.
PROMISES: dict[str, str] = {
    "provider_available": "a provider that is off, age-restricted or not offered to this "
    "browser logs nobody in",
    "first_login_lock": "the same new social account arriving twice at once signs up once",
    "deleted_account": "a deleted customer's social account cannot join again, and another "
    "account's address is linked only after a proof of ownership",
    "kakao_required_terms": "a Kakao Sync member has agreed to the store's required terms",
    "user_id_connects_nothing": "a user-ID session connects no social account",
    "partner_decides": "with custom storage the partner's social-login webhook accepts or "
    "refuses every social login",
    "customer_row": "every social signup writes its customer with the welcome benefits",
    "welcome_benefits": "every store signup joins with the welcome benefits",
    "kakao_only": "inside KakaoTalk (option on) only Kakao logs in",
    "login_strength": "a user-ID session is recorded as the weakest login",
    "session_revocation": "a session older than a revocation (security event, deletion) ends",
}


# --- steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInfo:
    providers: frozenset[str] | None = None  # None: every provider, and store logins
    kinds: frozenset[str] | None = None  # None: every kind of login
    promise: str = ""  # an id of PROMISES, or a host's own
    skip_signup: bool = False  # not for the login that ends a signup (it ran its own stage)


Step = Callable[["LoginContext"], None]
F = TypeVar("F", bound=Callable[..., Any])


def login_step(
    *,
    providers: Iterable[str] | None = None,
    kinds: Iterable[Kind] | None = None,
    promise: str = "",
    skip_signup: bool = False,
) -> Callable[[F], F]:
    """Declare where a step applies (the engine skips it elsewhere) and what it promises."""
    info = StepInfo(
        providers=frozenset(providers) if providers is not None else None,
        kinds=frozenset(kinds) if kinds is not None else None,
        promise=promise,
        skip_signup=skip_signup,
    )

    def mark(step: F) -> F:
        step.login_step = info  # type: ignore[attr-defined]
        return step

    return mark


def info_of(step: Any) -> StepInfo:
    return getattr(step, "login_step", None) or StepInfo()


def _app_label_of(path: str) -> str | None:
    """The installed app a dotted path belongs to, or None."""
    config = apps.get_containing_app_config(path)
    return config.name if config is not None else None


def _ours(path: str) -> bool:
    return path.split(".", 1)[0] in ("store", "sociallogin", "kakaosync", "keymap")


def configured() -> dict[str, tuple[str, ...]]:
    """The dotted paths per stage: the host's ``STORE_LOGIN_PIPELINE``, else the default
    without the steps of apps that are not installed."""
    custom = getattr(settings, "STORE_LOGIN_PIPELINE", None)
    if custom is not None:
        return {stage: tuple(custom.get(stage, ())) for stage in PIPELINE}
    return {
        stage: tuple(p for p in paths if _app_label_of(p) is not None)
        for stage, paths in PIPELINE.items()
    }


@functools.cache
def _resolved() -> dict[str, tuple[tuple[str, Step, StepInfo], ...]]:
    found: dict[str, tuple[tuple[str, Step, StepInfo], ...]] = {}
    for stage, paths in configured().items():
        steps = []
        for path in paths:
            # Never skipped: a step that does not import fails the login (and the check).
            step = cast(Step, import_string(path))
            steps.append((path, step, info_of(step)))
        found[stage] = tuple(steps)
    return found


def steps_of(stage: Stage) -> tuple[tuple[str, Step, StepInfo], ...]:
    return _resolved()[stage]


def reset(**kwargs: Any) -> None:
    """Forget the resolved pipeline (a settings change in tests)."""
    setting = kwargs.get("setting")
    if setting is None or setting in ("STORE_LOGIN_PIPELINE", "INSTALLED_APPS"):
        _resolved.cache_clear()


# --- the context ---------------------------------------------------------------------------


class LoginPart:
    """One app's typed piece of a login's state: a dataclass with a unique ``key``.

    ``persist``: written out with the context where the login leaves the request (its
    fields must then be JSON-safe); a part that holds rows or objects keeps ``False`` and
    is looked up again after a resume.
    """

    key: ClassVar[str]
    persist: ClassVar[bool] = True

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(cast(Any, self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        return cls(**data)


P = TypeVar("P", bound=LoginPart)


@dataclass(eq=False)
class LoginContext:
    request: HttpRequest
    kind: Kind
    provider: str = ""  # a provider id; "" for store logins
    sociallogin: Any = None  # allauth's SocialLogin, for social logins
    user: Any = None
    strength: Strength = Strength.CREDENTIAL
    login_type: str = "store"  # the JWT's ``type``: store, partner, a provider, a user ID
    signed_up: bool = False  # this login created its user (set by the engine)
    form: Any = None  # allauth's social signup form, when it was needed (save_user)
    signup_values: dict[str, Any] = field(default_factory=dict)  # provider + form, shown ones
    changes: dict[str, ProfileChange] = field(default_factory=dict)  # for the customer row
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # a paused step's form
    stage: str = ""  # the stage running now
    step: str = ""  # the step running now (its dotted path)
    finished: bool = False  # its ``user_logged_in`` stage ran
    _parts: dict[str, LoginPart] = field(default_factory=dict, repr=False)
    _written: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_new(self) -> bool:
        """A social account the shop does not know yet, nor its user (after allauth's lookup,
        or a connection made since: derived, never stale)."""
        if self.sociallogin is None:
            return False
        account, user = self.sociallogin.account, self.sociallogin.user
        # Not ``user.pk``: a host's UUID key has a value before the row is saved.
        return account.pk is None and not (user is not None and not user._state.adding)

    @property
    def connecting(self) -> bool:
        """A social account connected from the account page, not a login."""
        from allauth.socialaccount.providers.base import AuthProcess

        return bool(
            self.sociallogin is not None
            and self.sociallogin.state.get("process") == AuthProcess.CONNECT
        )

    def get(self, cls: type[P]) -> P | None:
        part = self._parts.get(cls.key)
        if part is None and cls.key in self._written:
            part = cls.from_json(self._written.pop(cls.key))
            self._parts[cls.key] = part
        return cast("P | None", part)

    def put(self, part: LoginPart) -> None:
        self._parts[part.key] = part
        self._written.pop(part.key, None)

    def pop(self, cls: type[P]) -> P | None:
        part = self.get(cls)
        self._parts.pop(cls.key, None)
        return part

    def answer(self, of: Step | None = None) -> dict[str, Any] | None:
        """What the shopper answered on the form the running step (or the step ``of``)
        paused the login for (:func:`pause`), if anything."""
        key = f"{of.__module__}.{of.__qualname__}" if of is not None else self.step
        return self.answers.get(key)

    # The written-out form, on the SocialLogin allauth serialises at a hand-off.

    def write_out(self) -> Any:
        """Put this context on its SocialLogin's state (JSON-safe) and return the login."""
        parts = {k: p.to_json() for k, p in self._parts.items() if p.persist}
        self.sociallogin.state[STATE_KEY] = {
            "kind": self.kind,
            "changes": {k: _change_to_state(v) for k, v in self.changes.items()},
            "answers": self.answers,
            "parts": {**self._written, **parts},
        }
        return self.sociallogin


STATE_KEY = "login_pipeline"
_ON_REQUEST = "store_login"


def _change_to_state(change: ProfileChange) -> list[Any]:
    value = change.value.isoformat() if isinstance(change.value, date) else change.value
    return [value, change.source, change.at.isoformat(), isinstance(change.value, date)]


def _change_from_state(kept: list[Any]) -> ProfileChange:
    value, source, at, is_date = kept
    return ProfileChange(
        date.fromisoformat(value) if is_date else value, source, datetime.fromisoformat(at)
    )


def current(request: Any) -> LoginContext | None:
    """The login under way on this request, if any (a finished one is not under way)."""
    ctx = getattr(request, _ON_REQUEST, None) if request is not None else None
    return ctx if ctx is not None and not ctx.finished else None


def begin(request: HttpRequest, kind: Kind, **fields: Any) -> LoginContext:
    """A new login on this request (its first hook)."""
    ctx = LoginContext(request=request, kind=kind, **fields)
    setattr(request, _ON_REQUEST, ctx)
    return ctx


def _same_account(a: Any, b: Any) -> bool:
    return a is b or (
        a.account.provider == b.account.provider and str(a.account.uid) == str(b.account.uid)
    )


def for_social(request: HttpRequest, sociallogin: Any) -> LoginContext:
    """The context of this social login: the request's, else restored from the SocialLogin
    (the login resumes after a hand-off), else a new one."""
    ctx = current(request)
    if (
        ctx is not None
        and ctx.sociallogin is not None
        and _same_account(ctx.sociallogin, sociallogin)
    ):
        ctx.sociallogin = sociallogin  # allauth may hand a fresh copy (e.g. after connect)
        return ctx
    provider = sociallogin.account.provider
    ctx = begin(request, "social", provider=provider, login_type=provider, sociallogin=sociallogin)
    kept = sociallogin.state.pop(STATE_KEY, None)
    if isinstance(kept, dict):
        ctx.changes = {k: _change_from_state(v) for k, v in (kept.get("changes") or {}).items()}
        ctx.answers = dict(kept.get("answers") or {})
        ctx._written = dict(kept.get("parts") or {})
    return ctx


# --- running a stage -----------------------------------------------------------------------


def _applies(info: StepInfo, ctx: LoginContext) -> bool:
    if info.providers is not None and ctx.provider not in info.providers:
        return False
    if info.kinds is not None and ctx.kind not in info.kinds:
        return False
    return not (info.skip_signup and ctx.signed_up)


def run(stage: Stage, ctx: LoginContext) -> LoginContext:
    """Run one stage's steps over the login's context, in the listed order."""
    ctx.stage = stage
    try:
        for path, step, info in steps_of(stage):
            if _applies(info, ctx):
                ctx.step = path
                step(ctx)
    except Exception as exc:
        # The step that stopped the login, for a caller that answers without its page (a
        # headless client: ``sociallogin.headless``).
        exc.__dict__.setdefault("login_step", ctx.step)
        raise
    finally:
        ctx.stage = ctx.step = ""
        if stage == "user_logged_in":
            ctx.finished = True
    return ctx


# --- a host's own form in the middle of a social login ---------------------------------------

PAUSED_KEY = "store_login_paused"
PAUSE_TTL = 30 * 60  # seconds a paused login waits for its form


def seal(sociallogin: Any) -> str:
    """A SocialLogin for the session, encrypted, with only its access token."""
    from django.core.serializers.json import DjangoJSONEncoder

    data = sociallogin.serialize()
    token = data.get("token")
    if isinstance(token, dict):
        # The refresh token (token_secret) and expiry serve nothing after a hand-off.
        data["token"] = {"token": token.get("token", "")}
    return crypto.encrypt(json.dumps(data, cls=DjangoJSONEncoder))


def unseal(sealed: Any) -> Any | None:
    """The SocialLogin :func:`seal` made, or None when it cannot be read back."""
    from allauth.socialaccount.models import SocialLogin

    try:
        return SocialLogin.deserialize(json.loads(crypto.decrypt(str(sealed))))
    except (KeyError, ValueError, TypeError, crypto.SecretDecryptionError):
        return None


def pause(ctx: LoginContext, url: str) -> NoReturn:
    """Set this social login aside and send the shopper to ``url`` (a form of the host's).

    Only in ``pre_social_login``, before anything is written. The form's view reads the login
    with :func:`paused` and continues it with :func:`resume`; the step that paused then runs
    again and finds the answer in ``ctx.answer()``.
    """
    from allauth.core.exceptions import ImmediateHttpResponse

    if ctx.stage != "pre_social_login" or ctx.sociallogin is None:
        raise RuntimeError("Only a social login's pre_social_login step can pause it.")
    ctx.request.session[PAUSED_KEY] = {
        "step": ctx.step,
        "sociallogin": seal(ctx.write_out()),
        "expires": int(time.time()) + PAUSE_TTL,
    }
    logger.info("login with %s paused by %s", ctx.provider, ctx.step)
    raise ImmediateHttpResponse(HttpResponseRedirect(url))


def _paused_data(request: HttpRequest) -> dict[str, Any] | None:
    data = request.session.get(PAUSED_KEY)
    if not isinstance(data, dict) or int(data.get("expires") or 0) < time.time():
        return None
    return data


def paused(request: HttpRequest) -> Any | None:
    """The SocialLogin a step paused on this session (its provider, profile), or None."""
    data = _paused_data(request)
    return unseal(data["sociallogin"]) if data else None


def resume(request: HttpRequest, answer: dict[str, Any]) -> HttpResponse | None:
    """Continue the paused login with the form's ``answer`` (JSON-safe); None when nothing
    is paused (expired, or already resumed)."""
    from allauth.socialaccount.helpers import complete_social_login

    data = _paused_data(request)
    request.session.pop(PAUSED_KEY, None)
    sociallogin = unseal(data["sociallogin"]) if data else None
    if data is None or sociallogin is None:
        return None
    kept = sociallogin.state.setdefault(STATE_KEY, {})
    kept.setdefault("answers", {})[data["step"]] = answer
    return cast(HttpResponse, complete_social_login(request, sociallogin))


# --- checks --------------------------------------------------------------------------------


def _default_promises() -> dict[str, dict[str, str]]:
    """Per stage, promise id → the default step that holds it (installed apps only)."""
    held: dict[str, dict[str, str]] = {}
    for stage, paths in PIPELINE.items():
        for path in paths:
            if _app_label_of(path) is None:
                continue
            try:
                promise = info_of(import_string(path)).promise
            except ImportError:
                continue
            if promise:
                held.setdefault(stage, {})[promise] = path
    return held


def check_pipeline(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``store.E004``-``E007``: the configured pipeline keeps every promise and imports.

    ``store.E003`` (a registered step not listed) is retired with the registry: steps are
    named by dotted path. Its id stays reserved.
    """
    errors: list[checks.CheckMessage] = []
    custom = getattr(settings, "STORE_LOGIN_PIPELINE", None)
    where = "STORE_LOGIN_PIPELINE" if custom is not None else "store.default_pipeline.PIPELINE"
    if custom is not None:
        if not isinstance(custom, dict):
            return [
                checks.Error(
                    "STORE_LOGIN_PIPELINE must be a dict of stage name to a list of dotted paths.",
                    hint="Start from store.default_pipeline.PIPELINE.",
                    id="store.E004",
                )
            ]
        for stage, paths in custom.items():
            if isinstance(paths, str) or not all(isinstance(p, str) for p in paths):
                return [
                    checks.Error(
                        f"STORE_LOGIN_PIPELINE[{stage!r}] must be a list of dotted paths.",
                        hint="Start from store.default_pipeline.PIPELINE.",
                        obj=stage,
                        id="store.E004",
                    )
                ]
        for stage in sorted(set(custom) - set(PIPELINE)):
            errors.append(
                checks.Error(
                    f"STORE_LOGIN_PIPELINE names an unknown stage {stage!r}.",
                    hint=f"The stages are: {', '.join(PIPELINE)}.",
                    obj=stage,
                    id="store.E004",
                )
            )
    found_promises: dict[str, set[str]] = {}
    for stage, paths in configured().items():
        found_promises[stage] = set()
        for path in paths:
            try:
                step = import_string(path)
            except ImportError as exc:
                errors.append(
                    checks.Error(
                        f"{where}[{stage!r}] lists {path!r}, which cannot be imported: {exc}.",
                        hint="Fix the dotted path, or remove the step.",
                        obj=path,
                        id="store.E006",
                    )
                )
                continue
            if not callable(step):
                errors.append(
                    checks.Error(
                        f"{where}[{stage!r}] lists {path!r}, which is not a function.",
                        hint="A login step is a function of the login context.",
                        obj=path,
                        id="store.E006",
                    )
                )
                continue
            if _ours(path) and _app_label_of(path) is None:
                errors.append(
                    checks.Error(
                        f"{where}[{stage!r}] lists {path!r}, whose app is not installed.",
                        hint="Add the app to INSTALLED_APPS, or remove the step.",
                        obj=path,
                        id="store.E007",
                    )
                )
            if info_of(step).promise:
                found_promises[stage].add(info_of(step).promise)
    for stage, held in _default_promises().items():
        for promise, path in held.items():
            if promise in found_promises.get(stage, set()):
                continue
            errors.append(
                checks.Error(
                    f"{where}[{stage!r}] has no step for the promise that "
                    f"{PROMISES.get(promise, promise)} ({path}).",
                    hint=f"Add {path!r} back to the {stage!r} stage, or a step of your own "
                    f"declared with @login_step(promise={promise!r}).",
                    obj=promise,
                    id="store.E005",
                )
            )
    return errors
