"""The consents' steps of the login pipeline (``store.default_pipeline``).

- ``ask_before_joining`` (``pre_social_login``): a social login that would join without
  allauth's "finish joining" form (every field the admin asks was given) is set aside for
  the store's terms first (``login_pipeline.pause``): nobody joins without them. The terms
  Kakao's consent screen showed (its tags) are not asked again.
- ``record_signup_consents`` (``save_user``): the form's or the paused page's answers, in
  the signup's transaction.
- ``note_missing_consents`` (``user_logged_in``): every login
  notes, as one list, what mandatory the customer lacks: the store's terms (a term published
  since, a new version, a customer who joined elsewhere: a partner, a host's own form) and
  Kakao Sync's required tags the store added after the member joined. The request guard
  ``store.required_consents`` has them agreed before any POST, on the consents page (the
  store's by checkbox, Kakao's through Kakao's additional-consent flow).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from . import consents, login_pipeline
from .login_pipeline import LoginContext, login_step
from .models import ConsentVia, Term

# Registered with the engine's promises (store.login_pipeline.PROMISES is the default's).
login_pipeline.PROMISES.setdefault(
    "consents_before_joining",
    "a social login joins only once the store's mandatory terms are agreed",
)
login_pipeline.PROMISES.setdefault(
    "signup_consents", "every social signup records the consents it was given"
)
login_pipeline.PROMISES.setdefault(
    "current_consents",
    "a customer lacking a mandatory consent (a new term or version, a Kakao term added later) "
    "is asked at login",
)


def _kakao_covered(ctx: LoginContext) -> set[str]:
    """The tags Kakao's consent screen showed this login (Kakao Sync)."""
    try:
        from kakaosync.login_steps import KakaoSyncRead
    except ImportError:
        return set()
    read = ctx.get(KakaoSyncRead)
    data = read.data if read is not None else None
    if not data:
        return set()
    return {str(t.get("tag")) for t in data.get("terms", []) if isinstance(t, dict)}


def terms_to_ask(ctx: LoginContext) -> list[Term]:
    covered = _kakao_covered(ctx)
    return [t for t in consents.published_terms() if not (t.kakao_tag and t.kakao_tag in covered)]


def _form_will_ask(ctx: LoginContext) -> bool:
    from allauth.socialaccount.adapter import get_adapter

    return not get_adapter(ctx.request).is_auto_signup_allowed(ctx.request, ctx.sociallogin)


@login_step(kinds={"social"}, promise="consents_before_joining")
def ask_before_joining(ctx: LoginContext) -> None:
    if not ctx.is_new or ctx.connecting or ctx.answer() is not None:
        return
    if not terms_to_ask(ctx):
        return
    if _form_will_ask(ctx):
        return  # the "finish joining" form asks them (StoreSignupForm is its base)
    login_pipeline.pause(ctx, reverse("store:consents_join"))


@login_step(kinds={"social"}, promise="signup_consents")
def record_signup_consents(ctx: LoginContext) -> None:
    channel = f"social:{ctx.provider}"
    form = ctx.form
    if form is not None and hasattr(form, "record_consents"):
        form.record_consents(ctx.user, channel=channel)
        return
    answer = ctx.answer(ask_before_joining)
    if not answer:
        return
    by_id = {str(t.pk): t for t in consents.published_terms()}
    answers = {by_id[k]: bool(v) for k, v in (answer.get("terms") or {}).items() if k in by_id}
    guardian = answer.get("guardian")
    consents.record(
        ctx.user,
        answers,
        via=ConsentVia.GUARDIAN if guardian else ConsentVia.FORM,
        channel=channel,
        guardian=consents.Guardian(*guardian) if guardian else None,
    )


@login_step(promise="current_consents")
def note_missing_consents(ctx: LoginContext) -> None:
    session: Any = getattr(ctx.request, "session", None)
    if session is not None:
        consents.note_missing(session, ctx.user, ctx)


@login_step(kinds={"signup"})
def mirror_on_customer(ctx: LoginContext) -> None:
    """The store-ID signup recorded its consents before the customer row: mirror them."""
    from django.utils import timezone

    consents.sync_customer_flag(ctx.user, ConsentVia.FORM, timezone.now())
