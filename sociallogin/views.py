"""Shopper pages of social login: proof of ownership before linking an existing account."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import ownership, tombstones
from .catalog import PROVIDERS
from .forms import LinkCodeForm, LinkPasswordForm
from .headless import redirect_to_view
from .policy import refusal_reason, unavailable_response

logger = logging.getLogger(__name__)


def _mask(email: str) -> str:
    local, _at, domain = email.partition("@")
    return (local[:2] + "•" * max(1, len(local) - 2)) + "@" + domain if domain else ""


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    data = ownership.pending(request)
    user = ownership.pending_user(data) if data else None
    if data is None or user is None:
        ownership.clear(request)
        messages.error(request, _("Nothing is waiting to be linked. Please log in again."))
        return redirect_to_view(request, "account_login")
    # A login of another app (the partner's password login) waits on the same proof.
    held = ownership.held_kind(data)
    sociallogin = ownership.pending_login(data) if held is None else None
    if held is not None:
        refused = held.refusal(request)
        if refused is not None:
            ownership.clear(request)
            return refused
        login_name = str(held.name())
    elif sociallogin is None:
        ownership.clear(request)
        return redirect_to_view(request, "account_login")
    else:
        provider_id = sociallogin.account.provider
        reason = refusal_reason(request, provider_id)
        if reason is not None:
            ownership.clear(request)
            return unavailable_response(request, provider_id, reason)
        login_name = str(PROVIDERS[provider_id].name) if provider_id in PROVIDERS else ""

    password_form = LinkPasswordForm(prefix="pw")
    code_form = LinkCodeForm(prefix="code")
    action = request.POST.get("action") if request.method == "POST" else None
    proven = False
    address = ownership.address(data)
    address_verified = ownership.address_verified(user, data)
    left = 0
    if action in ("password", "code"):
        left = ownership.take_attempt(request, data)
        if left < 0:
            return _too_many_wrong_answers(request)
    if action == "password" and user.has_usable_password():
        password_form = LinkPasswordForm(request.POST, prefix="pw")
        if not ownership.take_password_attempt(data):
            password_form.add_error(
                None,
                _(
                    "Too many wrong passwords were tried for this account. Please prove "
                    "it with a code sent by email instead."
                ),
            )
        elif password_form.is_valid():
            if user.check_password(password_form.cleaned_data["password"]):
                proven = True
            else:
                password_form.add_error("password", _("This password is not right."))
    elif action == "send_code":
        if ownership.send_code(request, data, user):
            messages.info(request, _("We sent a code to %(email)s.") % {"email": _mask(address)})
        else:
            messages.info(request, _("A code was sent a moment ago. Please check your email."))
        return redirect("sociallogin:link")
    elif action == "code":
        code_form = LinkCodeForm(request.POST, prefix="code")
        if code_form.is_valid():
            if ownership.check_code(data, code_form.cleaned_data["code"]):
                proven = True
            else:
                code_form.add_error("code", _("This code is wrong or has expired."))
    if action in ("password", "code") and not proven and left == 0:
        return _too_many_wrong_answers(request)
    if proven:
        # A code proves the address; on a never-verified address that outranks every other
        # way in whoever registered the account kept (see ownership.take_over).
        take_over = action == "code" and not address_verified
        if held is not None:
            ownership.clear(request)
            return held.complete(request, user, data, take_over)
        assert sociallogin is not None
        return _connect_and_login(request, sociallogin, user, data, take_over=take_over)
    return render(
        request,
        "sociallogin/link.html",
        {
            "provider_name": login_name,
            "held": held is not None,
            "masked_email": _mask(address),
            "claimed": bool(data.get("claimed")),
            "has_password": user.has_usable_password(),
            "code_sent": bool(data.get("code_hash")),
            "address_verified": address_verified,
            "password_form": password_form,
            "code_form": code_form,
        },
    )


def _too_many_wrong_answers(request: HttpRequest) -> HttpResponse:
    ownership.clear(request)
    messages.error(request, _("Too many wrong answers. Please start again."))
    return redirect_to_view(request, "account_login")


def _connect_and_login(
    request: HttpRequest,
    sociallogin: SocialLogin,
    user: Any,
    data: dict[str, Any],
    *,
    take_over: bool = False,
) -> HttpResponse:
    ownership.clear(request)
    provider_id = sociallogin.account.provider
    uid = sociallogin.account.uid
    # allauth completes a fresh copy, as the login of the account connected below.
    serialized = sociallogin.serialize()
    with transaction.atomic():
        if tombstones.is_tombstoned(provider_id, uid):
            return render(
                request,
                "sociallogin/deleted_account.html",
                tombstones.refusal_context(provider_id, uid),
                status=403,
            )
        if SocialAccount.objects.filter(provider=provider_id, uid=uid).exists():
            messages.error(request, _("This social account is already linked to an account."))
            return redirect_to_view(request, "account_login")
        if take_over:
            ownership.take_over(user, data, provider_id)
        sociallogin.connect(request, user)
        # The login was set aside in its pre_social_login stage, its context written onto
        # it; allauth now completes it as the login of the account just connected (its lookup
        # finds the row) and the pipeline resumes on the restored context, so its steps
        # (Kakao Sync, the partner's user database) see an existing social login and may
        # still refuse it. A refusal leaves no authentication record for this account; then
        # the connection (and any take-over) is undone.
        response = complete_social_login(request, SocialLogin.deserialize(serialized))
        if not _authenticated_with(request, user, provider_id, uid):
            transaction.set_rollback(True)
            logger.info("linking of %s stopped by a login pipeline step", provider_id)
            return response
    logger.info("social account %s linked to account %s after proof", provider_id, user.pk)
    return response


def _authenticated_with(request: HttpRequest, user: Any, provider_id: str, uid: str) -> bool:
    records = get_authentication_records(request, user)
    return (
        bool(records)
        and records[-1].get("method") == "socialaccount"
        and (
            records[-1].get("provider"),
            records[-1].get("uid"),
        )
        == (provider_id, uid)
    )


@login_not_required
@require_http_methods(["POST"])
def link_cancel(request: HttpRequest) -> HttpResponse:
    ownership.clear(request)
    messages.info(request, _("Linking cancelled."))
    return redirect_to_view(request, "account_login")
