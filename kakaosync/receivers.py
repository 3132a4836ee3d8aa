"""Glue between allauth / the store core / social login and Kakao Sync.

- login pipeline steps (``store.login_pipeline.STAGES``): the two Kakao calls of a Sync
  login before anything is written; in the KakaoTalk browser, a claimed store account goes
  to the proof of ownership; the Sync data stored on the customer once it exists.
- ``account_deleting``: unlink the customer at Kakao after the deletion commits.
- merge handler: the Sync data moves with the Kakao account.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from store.login_pipeline import LoginContext, ProfileChange, in_request

from . import client, inapp, sync, terms
from .conf import load_config, sync_active
from .models import KakaoSyncMember

logger = logging.getLogger("kakaosync.receivers")


def _error_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "kakaosync/error.html", {"message": message}, status=status)


def _kakao_message(exc: client.KakaoError) -> str:
    if isinstance(exc, client.KakaoUnavailable):
        return _("Kakao did not answer in time. Please try again in a moment.")
    if isinstance(exc, client.KakaoAuthError):
        return _("Kakao did not accept the login any more. Please log in with Kakao again.")
    if isinstance(exc, client.KakaoInvalidResponse):
        return _("Kakao sent an answer the store cannot read.")
    return _("Kakao refused the request.")


def _token(sociallogin: Any) -> str:
    token = getattr(sociallogin, "token", None)
    return str(getattr(token, "token", "") or "")


def read_terms_and_channel(ctx: LoginContext) -> None:
    """Kakao's two Sync reads, before anything is written; a signup needs the required terms.

    A returning member's row that still holds (``sync.last_read_holds``) spares both.
    """
    if ctx.provider != "kakao":
        return
    config = sync_active()
    if config is None:
        return
    if not ctx.is_new:
        member = sync.member_of(ctx.sociallogin.user)
        _keep_member(ctx.request, ctx.sociallogin.user, member)
        account = ctx.sociallogin.account
        if sync.last_read_holds(member, config, account.uid, account.extra_data or {}):
            ctx.kakao = {UNCHANGED: True}
            return
    try:
        data = sync.fetch(_token(ctx.sociallogin), config)
        if ctx.is_new:
            sync.check_signup(data, config, ctx.sociallogin.account.uid)
    except client.KakaoError as exc:
        logger.warning("kakao sync login stopped: %s", exc)
        raise ImmediateHttpResponse(_error_page(ctx.request, _kakao_message(exc), 502)) from exc
    except sync.SyncRefused as exc:
        logger.warning("kakao sync signup refused: %s", exc)
        raise ImmediateHttpResponse(
            _error_page(
                ctx.request,
                _("Joining needs your agreement to the store's required terms on Kakao."),
                400,
            )
        ) from exc
    ctx.kakao = data
    if ctx.is_new:
        consent = sync.marketing_consent(data, config)
        if consent is not None:
            ctx.changes["marketing_consent"] = ProfileChange(consent, "kakao_sync", timezone.now())


# ``ctx.kakao`` of a returning login that kept the last read (``sync.last_read_holds``).
UNCHANGED = "unchanged"


def _keep_member(request: HttpRequest, user: Any, member: KakaoSyncMember | None) -> None:
    """The Sync row this request read, for the login's later stage (no second query)."""
    in_request(request)["kakaosync.member"] = (user.pk, member)


def _kept_member(request: HttpRequest, user: Any) -> Any:
    kept = in_request(request).get("kakaosync.member")
    return kept[1] if kept is not None and kept[0] == user.pk else sync.NOT_READ


def claimed_account_to_ownership(ctx: LoginContext) -> None:
    """In KakaoTalk, a store account the shopper claimed goes to the proof of ownership."""
    if ctx.provider != "kakao" or not hasattr(ctx.request, "session"):
        return
    claim = ctx.request.session.pop(inapp.SESSION_CLAIM, None)
    if claim and ctx.is_new:
        from sociallogin import ownership

        user = inapp.claimable_accounts().filter(pk=claim).first()
        if user is not None:
            raise ImmediateHttpResponse(
                ownership.start(ctx.request, ctx.sociallogin, user, claimed=True)
            )


def refuse_outside_kakao(ctx: LoginContext) -> None:
    """Inside KakaoTalk (option on) every login but Kakao's is undone, whatever view made it.

    Runs inside Django's ``login()`` (its ``user_logged_in``), so a host's own login view,
    or a signup view that logs the new user in, is covered as well as the shop's. Staff
    logging into the admin through its own login page are let through.
    """
    request = ctx.request
    if not inapp.restriction_active(request):
        return
    if ctx.kind == "social" and ctx.provider == "kakao":
        return
    if inapp.is_admin_login(request, ctx.user):
        return
    from django.contrib.auth import logout

    from .inapp_views import kakao_only_page

    logger.warning(
        "in-app browser: %s login of user %s undone (Kakao only)",
        ctx.provider or ctx.kind,
        getattr(ctx.user, "pk", None),
    )
    logout(request)
    refused = "provider" if ctx.kind == "social" else "other"
    raise ImmediateHttpResponse(
        kakao_only_page(request, refused=refused, provider=ctx.provider, status=403)
    )


def store_sync_data(ctx: LoginContext) -> None:
    """Terms, channel relation and marketing consent onto the customer, once it exists.

    A signup stores them in its own transaction (``social.signup``); the login that follows
    in the same request then finds the row as this login's read left it.
    """
    if ctx.sociallogin is None or ctx.provider != "kakao":
        return
    config = sync_active()
    if config is None:
        return
    data = ctx.kakao
    if ctx.is_new:
        if data is None or data.get(UNCHANGED):
            return  # nothing read before the signup: read at the login, outside its transaction
        member = sync.store(
            ctx.user,
            data,
            config,
            extra_data=ctx.sociallogin.account.extra_data or {},
            is_signup=True,
            member=None,
        )
        _keep_member(ctx.request, ctx.user, member)
        ctx.kakao = {UNCHANGED: True}
        return
    member = _kept_member(ctx.request, ctx.user)
    if data is not None and data.get(UNCHANGED) and member is not sync.NOT_READ:
        # Nothing Kakao could have changed unannounced: the row stands, nothing is missing.
        if hasattr(ctx.request, "session"):
            terms.remember_missing(ctx.request.session, member, config)
        ctx.kakao = None
        return
    if data is None or data.get(UNCHANGED):
        # Reached through the social-login app's proof of ownership, which set the login
        # aside before the pipeline read Kakao: read Kakao now.
        try:
            data = sync.fetch(_token(ctx.sociallogin), config)
        except client.KakaoError as exc:
            logger.warning("kakao sync data not read for user %s: %s", ctx.user.pk, exc)
            return
    member = sync.store(
        ctx.user,
        data,
        config,
        extra_data=ctx.sociallogin.account.extra_data or {},
        is_signup=ctx.signed_up,
        member=member,
    )
    if hasattr(ctx.request, "session"):
        terms.remember_missing(ctx.request.session, member, config)
    ctx.kakao = None
    ctx.signed_up = False


def on_account_deleting(sender: Any, user: Any, customer: Any, **kwargs: Any) -> None:
    """The customer leaves the shop: leave Kakao's app too, once the deletion commits."""
    from allauth.socialaccount.models import SocialAccount

    uids = list(
        SocialAccount.objects.filter(user=user, provider="kakao").values_list("uid", flat=True)
    )
    KakaoSyncMember.objects.filter(user=user).update(
        unlinked_at=timezone.now(), unlink_reason="SHOP_ACCOUNT_DELETED", terms=[]
    )
    config = load_config()
    if not uids or not config.admin_key_token:
        return
    user_pk = user.pk

    def unlink_at_kakao() -> None:
        for uid in uids:
            try:
                client.unlink_user(admin_key=config.admin_key, user_id=uid)
                logger.info("kakao: user %s unlinked after account deletion", user_pk)
            except client.KakaoError as exc:
                # The account is gone either way; Kakao keeps a stale link until the user
                # removes the app. Logged for the admin.
                logger.warning("kakao unlink after deletion of user %s failed: %s", user_pk, exc)

    transaction.on_commit(unlink_at_kakao)


def merge_handler(source: Any, target: Any) -> dict[str, int]:
    """Sync data follows the Kakao account (the store's merge moves social accounts)."""
    moved = 0
    member = KakaoSyncMember.objects.filter(user=source).first()
    if member is not None and not KakaoSyncMember.objects.filter(user=target).exists():
        member.user = target
        member.save(update_fields=["user"])
        moved = 1
    return {"members": moved}


def connect() -> None:
    from store import registry as store_registry
    from store.login_pipeline import register
    from store.signals import account_deleting

    register("kakaosync.read_terms_and_channel", read_terms_and_channel)
    register("kakaosync.claimed_account_to_ownership", claimed_account_to_ownership)
    register("kakaosync.store_sync_data", store_sync_data)
    register("kakaosync.refuse_outside_kakao", refuse_outside_kakao)
    store_registry.register_password_login_gate("kakaosync", inapp.refuses_password_login)
    account_deleting.connect(on_account_deleting, dispatch_uid="kakaosync.account_deleting")
    store_registry.register_merge_handler("kakaosync", merge_handler)
