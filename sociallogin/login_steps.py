"""Social login's steps of the login pipeline (``store.default_pipeline``)."""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render
from django.utils import timezone

from store import request_lock
from store.login_pipeline import LoginContext, ProfileChange, login_step
from store.login_steps import AccountWelcome

from . import ownership, policy, tombstones
from .catalog import PROVIDERS, Rule
from .conf import configs_for
from .signup import signup_profile

logger = logging.getLogger(__name__)

# Seconds a first login waits for a parallel first login of the same account to finish.
FIRST_LOGIN_WAIT = 10


@login_step(kinds={"social"}, promise="first_login_lock")
def one_first_login_at_a_time(ctx: LoginContext) -> None:
    """The same new social account arriving twice at once: the second finds the first's user.

    Without this both would sign up; the loser then meets the winner's e-mail address and
    is sent to a signup form it cannot pass.
    """
    if not ctx.is_new or not request_lock.supported():
        return  # SQLite: one machine, writes serialised by the database file
    account = ctx.sociallogin.account
    waited = request_lock.hold_until_request_ends(
        f"social-login:{account.provider}:{account.uid}", wait=FIRST_LOGIN_WAIT
    )
    if waited is False:
        logger.warning(
            "social login: a parallel first login did not finish: provider=%s", ctx.provider
        )
        raise ImmediateHttpResponse(
            render(
                ctx.request,
                "socialaccount/authentication_error.html",
                {
                    "auth_error": {
                        "provider": {"name": _provider_name(ctx.provider)},
                        "code": "busy",
                    }
                },
                status=503,
            )
        )
    if waited:
        # The other login finished first: allauth's lookup now finds its account (and
        # ``ctx.is_new``, derived from the login, follows).
        ctx.sociallogin.lookup()


def _provider_name(provider: str) -> str:
    return str(PROVIDERS[provider].name) if provider in PROVIDERS else provider


@login_step(kinds={"social"}, promise="provider_available")
def refuse_unavailable_provider(ctx: LoginContext) -> None:
    """Every provider, the shop's six and a host's own (its store rules: age restriction,
    Kakao only inside KakaoTalk), whatever way the login arrived (an app's token, headless)."""
    reason = policy.refusal_reason(ctx.request, ctx.provider)
    if reason is not None:
        raise ImmediateHttpResponse(policy.unavailable_response(ctx.request, ctx.provider, reason))


@login_step(kinds={"social"}, promise="deleted_account")
def screen_new_account(ctx: LoginContext) -> None:
    """A new social account: not a deleted customer's, and not someone else's address."""
    if not ctx.is_new:
        return
    sociallogin = ctx.sociallogin
    tombstoned, owner_id, welcomed_before = ownership.screen_new_login(
        sociallogin,
        check_tombstone=ctx.provider in PROVIDERS,
        find_owner=sociallogin.state.get("process") != AuthProcess.CONNECT,
        check_welcomed=True,
    )
    # Asked in the same query, for the signup's customer row (store.login_steps).
    ctx.put(AccountWelcome(welcomed_before=bool(welcomed_before)))
    if tombstoned:
        logger.warning("social signup refused: provider=%s reason=deleted_account", ctx.provider)
        raise ImmediateHttpResponse(
            render(
                ctx.request,
                "sociallogin/deleted_account.html",
                tombstones.refusal_context(ctx.provider, sociallogin.account.uid),
                status=403,
            )
        )
    if owner_id is not None:
        raise ImmediateHttpResponse(ownership.start(ctx, owner_id))


@login_step(kinds={"social"})
def collect_profile(ctx: LoginContext) -> None:
    """What the provider gave and what the customer typed on the form, as profile changes."""
    now = timezone.now()
    given = signup_profile(ctx.sociallogin)
    typed = (
        {k: v for k, v in ctx.form.cleaned_data.items() if v not in (None, "")}
        if ctx.form is not None
        else {}
    )
    config = configs_for(None).get(ctx.provider)

    def shown(name: str) -> bool:
        # What the admin hid for this provider is not kept, even when the provider gave it.
        return config is None or config.rule(name) != Rule.HIDDEN

    ctx.signup_values = {k: v for k, v in {**given, **typed}.items() if shown(k)}
    for key, name in (
        ("phone", "phone"),
        ("birthday", "birthday"),
        ("gender", "gender"),
        ("name", "nickname"),
    ):
        if not shown(key):
            continue
        source = (
            "form"
            if typed.get(key) not in (None, "", given.get(key))
            else f"provider:{ctx.provider}"
        )
        value = typed.get(key) or given.get(key)
        if value:
            value = str(value)[:100] if name == "nickname" else value
            ctx.changes[name] = ProfileChange(value, source, now)
    if typed.get("marketing_consent") is True and shown("marketing_consent"):
        ctx.changes["marketing_consent"] = ProfileChange(True, "form", now)


@login_step(kinds={"social"})
def keep_signup_details(ctx: LoginContext) -> None:
    values = ctx.signup_values
    if values.get("address") or values.get("terms_agreement"):
        from .models import SocialSignupDetails

        SocialSignupDetails.objects.update_or_create(
            user=ctx.user,
            defaults={
                "provider": ctx.provider,
                "address": str(values.get("address") or "")[:300],
                "terms_agreed_at": timezone.now() if values.get("terms_agreement") else None,
            },
        )
