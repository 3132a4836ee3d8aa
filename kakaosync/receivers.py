"""Glue between allauth / the store core / social login and Kakao Sync.

- ``pre_social_login``: the two Kakao calls of a Sync login (before anything is written);
  in the KakaoTalk browser, a claimed store account goes to the proof of ownership.
- ``user_logged_in`` / ``social_account_added``: store the Sync data on the customer.
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

from . import client, inapp, sync
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


def on_pre_social_login(sender: Any, request: HttpRequest, sociallogin: Any, **kwargs: Any) -> None:
    if sociallogin.account.provider != "kakao":
        return
    # allauth's is_existing asks the database; a looked-up login already carries its user.
    is_new = sociallogin.user.pk is None
    config = sync_active()
    if config is not None:
        access_token = _token(sociallogin)
        try:
            data = sync.fetch(access_token, config)
            if is_new:
                sync.check_signup(data, config, sociallogin.account.uid)
        except client.KakaoError as exc:
            logger.warning("kakao sync login stopped: %s", exc)
            raise ImmediateHttpResponse(_error_page(request, _kakao_message(exc), 502)) from exc
        except sync.SyncRefused as exc:
            logger.warning("kakao sync signup refused: %s", exc)
            raise ImmediateHttpResponse(
                _error_page(
                    request,
                    _("Joining needs your agreement to the store's required terms on Kakao."),
                    400,
                )
            ) from exc
        sociallogin.state[sync.STATE_KEY] = data
    claim = request.session.pop(inapp.SESSION_CLAIM, None) if hasattr(request, "session") else None
    if claim and is_new:
        from django.contrib.auth import get_user_model

        from sociallogin import ownership

        user = get_user_model()._default_manager.filter(pk=claim, is_active=True).first()
        if user is not None:
            raise ImmediateHttpResponse(ownership.start(request, sociallogin, user, claimed=True))


def _store(request: Any, user: Any, sociallogin: Any, *, is_signup: bool) -> None:
    if sociallogin is None or sociallogin.account.provider != "kakao":
        return
    config = sync_active()
    if config is None:
        return
    data = sociallogin.state.get(sync.STATE_KEY)
    if data is None:
        # Reached through the social-login app's proof of ownership, which set the login
        # aside before our pre_social_login ran: read Kakao now.
        try:
            data = sync.fetch(_token(sociallogin), config)
        except client.KakaoError as exc:
            logger.warning("kakao sync data not read for user %s: %s", user.pk, exc)
            return
    sync.store(
        user,
        data,
        config,
        extra_data=sociallogin.account.extra_data or {},
        is_signup=is_signup,
    )
    sociallogin.state.pop(sync.STATE_KEY, None)


def on_user_signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None and sociallogin.account.provider == "kakao":
        # Marked so the login that follows stores the data as a Sync signup.
        sociallogin.state["kakaosync_signup"] = True


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    _store(
        request, user, sociallogin, is_signup=bool(sociallogin.state.pop("kakaosync_signup", False))
    )


def on_social_account_added(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    _store(request, sociallogin.user, sociallogin, is_signup=False)


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
    from allauth.account.signals import user_logged_in, user_signed_up
    from allauth.socialaccount.signals import pre_social_login, social_account_added

    from store import registry as store_registry
    from store.signals import account_deleting

    pre_social_login.connect(on_pre_social_login, dispatch_uid="kakaosync.pre_social_login")
    user_signed_up.connect(on_user_signed_up, dispatch_uid="kakaosync.user_signed_up")
    user_logged_in.connect(on_user_logged_in, dispatch_uid="kakaosync.user_logged_in")
    social_account_added.connect(on_social_account_added, dispatch_uid="kakaosync.account_added")
    account_deleting.connect(on_account_deleting, dispatch_uid="kakaosync.account_deleting")
    store_registry.register_merge_handler("kakaosync", merge_handler)
