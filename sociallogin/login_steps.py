"""Social login's steps of the login pipeline (``store.login_pipeline.STAGES``)."""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render
from django.utils import timezone

from store import request_lock
from store.login_pipeline import LoginContext, ProfileChange, register

from . import ownership, policy, tombstones
from .catalog import PROVIDERS, Rule
from .conf import configs_for
from .signup import signup_profile

logger = logging.getLogger("sociallogin.adapter")

# Seconds a first login waits for a parallel first login of the same account to finish.
FIRST_LOGIN_WAIT = 10


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
    if not waited:
        return  # nobody else was logging in with it: allauth's lookup stands
    ctx.sociallogin.lookup()
    found = ctx.sociallogin
    ctx.is_new = found.account.pk is None and not (found.user and found.user.pk)


def _provider_name(provider: str) -> str:
    return str(PROVIDERS[provider].name) if provider in PROVIDERS else provider


def refuse_unavailable_provider(ctx: LoginContext) -> None:
    reason = policy.refusal_reason(ctx.request, ctx.provider)
    if reason is not None and ctx.provider in PROVIDERS:
        raise ImmediateHttpResponse(policy.unavailable_response(ctx.request, ctx.provider, reason))


def screen_new_account(ctx: LoginContext) -> None:
    """A new social account: not a deleted customer's, and not someone else's address."""
    if not ctx.is_new:
        return
    sociallogin = ctx.sociallogin
    tombstoned, owner_id = ownership.screen_new_login(
        sociallogin,
        check_tombstone=ctx.provider in PROVIDERS,
        find_owner=sociallogin.state.get("process") != AuthProcess.CONNECT,
    )
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
        raise ImmediateHttpResponse(ownership.start(ctx.request, sociallogin, owner_id))


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

    ctx.provider_profile = {k: v for k, v in {**given, **typed}.items() if shown(k)}
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


def keep_signup_details(ctx: LoginContext) -> None:
    values = ctx.provider_profile
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


def register_steps() -> None:
    register("sociallogin.one_first_login_at_a_time", one_first_login_at_a_time)
    register("sociallogin.refuse_unavailable_provider", refuse_unavailable_provider)
    register("sociallogin.screen_new_account", screen_new_account)
    register("sociallogin.collect_profile", collect_profile)
    register("sociallogin.keep_signup_details", keep_signup_details)
