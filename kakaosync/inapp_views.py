"""Pages of the KakaoTalk in-app browser: Kakao-only login, and connecting a store ID."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.utils import get_next_redirect_url
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sociallogin.headless import headless_only, redirect_to_view, view_url
from store import ratelimit
from store.client_ip import client_ip

from . import inapp
from .forms import ClaimAccountForm

logger = logging.getLogger(__name__)


def _refusal_message(refused: str, provider: str) -> str:
    if refused == "password":
        return _(
            "Logging in with a store ID and password is not available in the KakaoTalk browser."
        )
    if refused == "signup":
        return _("Signing up with a store ID is not available in the KakaoTalk browser.")
    if refused == "provider":
        from sociallogin.catalog import PROVIDERS

        info = PROVIDERS.get(provider)
        return _("%(provider)s login is not available in the KakaoTalk browser.") % {
            "provider": info.name if info is not None else provider  # translated ("네이버")
        }
    if refused == "other":
        return _("This way of logging in is not available in the KakaoTalk browser.")
    return ""


def kakao_only_page(
    request: HttpRequest, *, refused: str = "", provider: str = "", status: int = 200
) -> HttpResponse:
    """The login page inside KakaoTalk: Kakao only, first trying automatic login."""
    if refused:
        logger.info("in-app browser: %s refused (%s)", refused, provider or request.path)
    next_url = get_next_redirect_url(request) or ""
    params = {"process": "login", **({"next": next_url} if next_url else {})}
    query = "?" + urlencode(params)
    auto = (
        not headless_only()
        and not refused
        and not request.user.is_authenticated
        and request.session.get(inapp.SESSION_AUTO_LOGIN) is None
    )
    if auto:
        request.session[inapp.SESSION_AUTO_LOGIN] = "pending"
    claim_id = request.session.get(inapp.SESSION_CLAIM)
    login_url, login_fields = reverse("kakao_login") + query, {}
    if headless_only():
        # allauth's login views answer 404 here: its headless redirect, back to the front
        # end (which has no prompt=none attempt: allauth headless passes no auth_params).
        login_url = reverse("headless:browser:socialaccount:redirect_to_provider")
        login_fields = {
            "provider": "kakao",
            "process": "login",
            "callback_url": next_url or view_url(request, "account_login"),
        }
    return render(
        request,
        "kakaosync/kakao_only.html",
        {
            "refusal": _refusal_message(refused, provider),
            "kakao_login_url": login_url,
            "kakao_login_fields": login_fields,
            "auto_login_url": reverse("kakao_login") + query + "&auth_params=prompt%3Dnone",
            "auto_login": auto,
            "claim_pending": claim_id is not None,
            "next": next_url,
        },
        status=status,
    )


@login_not_required
@require_http_methods(["GET"])
def kakao_only_login(request: HttpRequest) -> HttpResponse:
    if not inapp.restriction_active(request):
        return redirect_to_view(request, "account_login")
    return kakao_only_page(request)


def _find_account(login: str) -> Any:
    user_model = get_user_model()
    login = login.strip()
    if not login:
        return None
    return (
        inapp.claimable_accounts()
        .filter(Q(**{f"{user_model.USERNAME_FIELD}__iexact": login}) | Q(email__iexact=login))
        .first()
    )


# The page answers alike whether an account exists (it would otherwise tell which store IDs
# and addresses are customers'); the cap keeps it from being used to flood the cache.
CLAIM_LOOKUPS = 10
CLAIM_WINDOW = 15 * 60


def _address(request: HttpRequest) -> str:
    return client_ip(request) or "-"


def _lookup_allowed(request: HttpRequest) -> bool:
    return ratelimit.hit(
        "kakaosync:claim-lookups", _address(request), limit=CLAIM_LOOKUPS, period=CLAIM_WINDOW
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def claim_account(request: HttpRequest) -> HttpResponse:
    """An existing store-ID customer names their account before logging in with Kakao.

    After the Kakao login, a one-time code goes to that account's email (the social-login
    app's proof of ownership); only then are the accounts connected.
    """
    if not inapp.restriction_active(request):
        return redirect_to_view(request, "account_login")
    form = ClaimAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _lookup_allowed(request):
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            logger.warning("in-app browser: account lookups limited for %s", _address(request))
            return render(request, "kakaosync/claim_account.html", {"form": form}, status=429)
        user = _find_account(form.cleaned_data["login"])
        # Nothing of the answer depends on the lookup: NO_CLAIM stands for "no account".
        request.session[inapp.SESSION_CLAIM] = user.pk if user is not None else inapp.NO_CLAIM
        messages.info(
            request,
            _(
                "Now log in with Kakao. If the store ID or email belongs to a store account "
                "with an email address, we then send a one-time code to that address to "
                "connect the two. If no code arrives, open the store in your phone's browser "
                "instead of KakaoTalk, log in with your store ID and connect Kakao under My "
                "account."
            ),
        )
        logger.info(
            "in-app browser: claim before Kakao login (%s)",
            f"account {user.pk}" if user is not None else "no claimable account",
        )
        return redirect("kakaosync:kakao_only")
    return render(request, "kakaosync/claim_account.html", {"form": form})
