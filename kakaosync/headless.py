"""Kakao Sync's promises on allauth headless's endpoints.

- Inside KakaoTalk (the store's option on) only Kakao logs in or joins: allauth headless's
  password login, signup, login by code, and every other provider's redirect, token and
  signup endpoints are refused by guard ``kakaosync.kakao_only_in_app`` before the view
  runs, so nothing is written (no user, no customer, no partner call).
- A member lacking a required term added later gets, on every headless write, a JSON
  answer naming the missing tags, and :func:`terms` tells a front end how to run Kakao's
  additional-consent flow: allauth headless's ``provider/redirect`` for Kakao with the
  tags in ``service_terms``; Kakao's consent screen then asks exactly those, and the
  login ends on the front end's ``callback_url``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sociallogin import headless as sl_headless
from sociallogin.headless import add_query

logger = logging.getLogger(__name__)

# Endpoints (``headless.endpoint_name``) that log in or join without Kakao.
REFUSED_ENDPOINTS = {
    "account:login",
    "account:signup",
    "account:request_login_code",
    "account:confirm_login_code",
    "account:reauthenticate",
    "mfa:login_webauthn",
    "mfa:signup_webauthn",
}
# Endpoints that name their provider in the request.
PROVIDER_ENDPOINTS = {"socialaccount:redirect_to_provider", "socialaccount:provider_token"}


def _posted_provider(request: HttpRequest) -> str:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return ""
        return str(data.get("provider") or "") if isinstance(data, dict) else ""
    return str(request.POST.get("provider") or "")


def kakao_only(request: HttpRequest, endpoint: str) -> HttpResponse | None:
    """Guard ``kakaosync.kakao_only_in_app`` on a headless endpoint (restriction active)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None  # reading the config (it lists Kakao only) or the session
    if endpoint in REFUSED_ENDPOINTS:
        refused = {"account:login": "password", "account:signup": "signup"}.get(endpoint, "other")
        return _refuse(request, endpoint, refused, "")
    if endpoint in PROVIDER_ENDPOINTS:
        provider = _posted_provider(request)
        if provider and provider != "kakao":
            return _refuse(request, endpoint, "provider", provider)
    return None


def _refuse(request: HttpRequest, endpoint: str, refused: str, provider: str) -> HttpResponse:
    from .inapp_views import _refusal_message

    logger.info("in-app browser: headless %s refused (%s)", endpoint, provider or refused)
    message = _refusal_message(refused, provider)
    if endpoint == "socialaccount:redirect_to_provider":
        # A form the browser posted (a page load): back to the front end with the code, as
        # allauth headless answers a refused provider login.
        back = str(request.POST.get("callback_url") or "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = sl_headless.view_url(request, "socialaccount_login_error")
        return HttpResponseRedirect(
            add_query(back, {"error": "kakao_only", "error_process": "login"})
        )
    return sl_headless.error_response(
        403,
        "kakao_only",
        message,
        param="provider" if provider else None,
        data={"providers": ["kakao"]},
    )


# --- required terms added later ------------------------------------------------------------


def consent_flow(request: HttpRequest | None, missing: list[str]) -> dict[str, Any]:
    """The additional-consent flow as a front end runs it (a form POST, a page load)."""
    client = sl_headless.client_of(request) or "browser"
    try:
        url = reverse(f"headless:{client}:socialaccount:redirect_to_provider")
    except NoReverseMatch:  # a project without allauth headless's browser client
        url = ""
    return {
        "id": "kakao_additional_consent",
        "url": url,
        "fields": {"provider": "kakao", "process": "login", "service_terms": ",".join(missing)},
    }


@login_not_required
@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    """``GET /kakaosync/headless/terms``: the required terms this session's member lacks,
    and the additional-consent flow that asks exactly those."""
    from . import terms as terms_module

    if not request.user.is_authenticated:
        return sl_headless.error_response(401, "not_authenticated", _("Please log in."))
    from .conf import load_config

    missing = terms_module.session_missing(request.session, request.user)
    titles = {t.tag: str(t.title) for t in load_config().terms}
    body: dict[str, Any] = {
        "status": 200,
        "data": {
            "missing": [{"tag": tag, "title": titles.get(tag, tag)} for tag in missing],
            "flow": consent_flow(request, missing) if missing else None,
        },
    }
    from django.http import JsonResponse
    from django.utils.cache import add_never_cache_headers

    response = JsonResponse(body)
    add_never_cache_headers(response)
    return response
