"""Kakao Sync's steps of the login pipeline (``store.default_pipeline``).

The two Kakao calls of a Sync login are made before anything is written; in the KakaoTalk
browser a claimed store account goes to the proof of ownership and every other login is
undone; the Sync data is stored on the customer once it exists. What one step hands to the
next rides on the login's context as :class:`KakaoSyncRead` and :class:`KakaoSyncRow`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from store.login_pipeline import LoginContext, LoginPart, ProfileChange, login_step

from . import client, inapp, sync
from .conf import sync_active
from .models import KakaoSyncMember

logger = logging.getLogger(__name__)


@dataclass
class KakaoSyncRead(LoginPart):
    """Kakao's terms and channel as this login read them (JSON-safe: kept at a hand-off).

    ``data`` is None when the member's last read still holds and Kakao was not asked;
    ``stored`` once a signup wrote it on the new member's row.
    """

    key = "kakaosync.read"
    data: dict[str, Any] | None
    stored: bool = False


@dataclass
class KakaoSyncRow(LoginPart):
    """The Sync row this request read for ``user_pk`` (None: the user has none)."""

    key = "kakaosync.row"
    persist = False  # a model instance: looked up again after a resume
    user_pk: Any
    member: KakaoSyncMember | None


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


def _extra_data(ctx: LoginContext) -> dict[str, Any]:
    return ctx.sociallogin.account.extra_data or {}


@login_step(providers={"kakao"}, kinds={"social"}, promise="kakao_required_terms")
def read_terms_and_channel(ctx: LoginContext) -> None:
    """Kakao's two Sync reads, before anything is written; a signup needs the required terms.

    A returning member's row that still holds (``sync.last_read_holds``) spares both.
    """
    config = sync_active()
    if config is None or ctx.get(KakaoSyncRead) is not None:
        return  # not a Sync shop, or read already before the login was set aside
    uid = ctx.sociallogin.account.uid
    if not ctx.is_new:
        user = ctx.sociallogin.user
        member = sync.member_of(user)
        ctx.put(KakaoSyncRow(user.pk, member))
        if sync.last_read_holds(member, config, uid, _extra_data(ctx)):
            ctx.put(KakaoSyncRead(data=None))
            return
    try:
        data = sync.fetch(_token(ctx.sociallogin), config)
        if ctx.is_new:
            sync.check_signup(data, config, uid)
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
    ctx.put(KakaoSyncRead(data=data))
    if ctx.is_new:
        consent = sync.marketing_consent(data, config)
        if consent is not None:
            ctx.changes["marketing_consent"] = ProfileChange(consent, "kakao_sync", timezone.now())


@login_step(providers={"kakao"}, kinds={"social"})
def back_to_unlinked_customer(ctx: LoginContext) -> None:
    """A Kakao account whose link ended at Kakao (the unlink webhook, a ``user-unlinked`` or
    ``tokens-revoked`` event) logs back into the customer it left, which still exists.

    Only the link was removed, by Kakao, not by the shopper: the same Kakao account gets
    its orders, points and profile back, rather than a second customer (and a second
    welcome grant). One indexed query per new Kakao account of a Sync shop; a deleted or deactivated
    customer, or one that connected another Kakao account since, is not reopened.
    """
    from allauth.socialaccount.models import SocialAccount

    if not ctx.is_new or ctx.connecting or sync_active() is None:
        return  # Sync rows are written only while Sync is on
    uid = str(ctx.sociallogin.account.uid)
    if not (uid.isascii() and uid.isdigit() and len(uid) <= 19):
        return
    member = (
        KakaoSyncMember.objects.select_related("user")
        .filter(
            kakao_user_id=int(uid),
            unlinked_at__isnull=False,
            user__is_active=True,
            user__customer__deleted_at__isnull=True,
        )
        .first()
    )
    if member is None:
        return
    user = member.user
    if SocialAccount.objects.filter(user=user, provider="kakao").exists():
        return
    ctx.sociallogin.connect(ctx.request, user)  # allauth mails the customer about it
    KakaoSyncMember.objects.filter(pk=member.pk).update(
        unlinked_at=None, unlink_reason="", needs_recovery=False
    )
    logger.info("kakao login: user %s linked again after leaving the app at Kakao", user.pk)


@login_step(providers={"kakao"}, kinds={"social"})
def claimed_account_to_ownership(ctx: LoginContext) -> None:
    """In KakaoTalk, a store account the shopper claimed goes to the proof of ownership."""
    if not hasattr(ctx.request, "session"):
        return
    claim = ctx.request.session.pop(inapp.SESSION_CLAIM, None)
    if claim and ctx.is_new:
        from sociallogin import ownership

        user = inapp.claimable_accounts().filter(pk=claim).first()
        if user is not None:
            raise ImmediateHttpResponse(ownership.start(ctx, user, claimed=True))


@login_step(promise="kakao_only")
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


@login_step(providers={"kakao"}, kinds={"social"})
def store_signup_sync_data(ctx: LoginContext) -> None:
    """The new member's row, in the signup's transaction, from this login's read."""
    config = sync_active()
    read = ctx.get(KakaoSyncRead)
    if config is None or read is None or read.data is None:
        return  # nothing read before the signup: the login that follows reads
    member = sync.store(
        ctx.user, read.data, config, extra_data=_extra_data(ctx), is_signup=True, member=None
    )
    ctx.put(KakaoSyncRow(ctx.user.pk, member))
    read.stored = True


@login_step(providers={"kakao"}, kinds={"social"}, promise="kakao_required_terms")
def store_sync_data(ctx: LoginContext) -> None:
    """Terms, channel relation and marketing consent onto the customer; the row is left on
    the login's context, where ``store.consent_steps.note_missing_consents`` (next in the
    stage) reads the required terms it lacks without reading the row again."""
    config = sync_active()
    if config is None:
        return
    read = ctx.get(KakaoSyncRead)
    row = ctx.get(KakaoSyncRow)
    known = row is not None and row.user_pk == ctx.user.pk
    if read is not None and known and (read.stored or read.data is None):
        return  # stored by the signup, or nothing Kakao could have changed unannounced
    data = read.data if read is not None else None
    if data is None:
        # Not read for this user in this login (Sync switched on since, or the partner's
        # linked customer is not the user whose row was read): read Kakao now.
        try:
            data = sync.fetch(_token(ctx.sociallogin), config)
        except client.KakaoError as exc:
            logger.warning("kakao sync data not read for user %s: %s", ctx.user.pk, exc)
            return
    member = sync.store(
        ctx.user,
        data,
        config,
        extra_data=_extra_data(ctx),
        is_signup=ctx.signed_up,
        member=row.member if known and row is not None else sync.member_of(ctx.user),
    )
    ctx.put(KakaoSyncRow(ctx.user.pk, member))
