"""Login strength through allauth headless, and the user-ID login for a front end.

- ``POST /keymap/headless/login/user-id`` (JSON ``{"user_id": "…"}``, the browser's session
  cookie and CSRF token as for allauth headless's browser endpoints): the same user-ID login
  as the HTML page (the partner's validation webhook, the same rate limits, never staff).
  The answer names the login's strength and no personal data.
- A user-ID session opens, of allauth headless's endpoints, only the way to a stronger
  login (password, a provider, finishing a social signup) and logging out; every other one
  (the session's user data, email addresses, connected accounts...) answers 403
  ``login_too_weak``, as does a service's refusal (``store.login_strength.WeakLogin``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from sociallogin.headless import error_response, view_url
from store import login_steps, login_strength, ratelimit
from store.client_ip import client_ip

from . import flows
from .app_settings import app_settings
from .client import PartnerUnavailable
from .conf import load
from .models import WebhookName

logger = logging.getLogger(__name__)

# Endpoints (``sociallogin.headless.endpoint_name``) open to a user-ID session, and with
# which methods: the way to a stronger login, and logging out.
USER_ID_ENDPOINTS: dict[str, set[str]] = {
    "config": {"GET"},
    "account:current_session": {"DELETE"},
    "account:login": {"POST"},
    "socialaccount:redirect_to_provider": {"POST"},
    "socialaccount:provider_token": {"POST"},
    "socialaccount:provider_signup": {"GET", "POST"},
}


def too_weak(request: HttpRequest) -> HttpResponse:
    return error_response(
        403,
        "login_too_weak",
        _(
            "You are logged in with your user ID. Log in with your password or a social "
            "account to see your personal details."
        ),
        data={"login_strength": "user_id", "login_url": view_url(request, "account_login")},
    )


def user_id_session_endpoint(request: HttpRequest, endpoint: str) -> HttpResponse | None:
    """Guard ``keymap.user_id_session`` on a headless endpoint (a user-ID session)."""
    if request.method in USER_ID_ENDPOINTS.get(endpoint, set()):
        return None
    return too_weak(request)


def _ok(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse({"status": 200, "data": data})
    add_never_cache_headers(response)
    return response


@login_not_required
@require_POST
@sensitive_post_parameters("user_id")
def user_id_login(request: HttpRequest) -> HttpResponse:
    """The user-ID login as JSON (same rules as ``keymap.views.user_id_login``)."""
    if load().webhook(WebhookName.USER_VALIDATION) is None:
        return error_response(
            404, "not_available", _("Logging in with a user ID is not available here.")
        )
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    user_id = str(data.get("user_id") or "").strip() if isinstance(data, dict) else ""
    if not user_id or len(user_id) > 100:
        return error_response(400, "required", _("Enter your user ID."), param="user_id")
    limit, period = app_settings.USER_ID_RATE_LIMIT
    if not (
        ratelimit.hit("keymap:user-id-ip", client_ip(request) or "-", limit=limit, period=period)
        and ratelimit.hit("keymap:user-id", user_id.casefold(), limit=limit, period=period)
    ):
        return error_response(
            429,
            "too_many_requests",
            _("Too many attempts. Please wait a few minutes and try again."),
        )
    try:
        user = flows.validate_user_id(request, user_id)
    except PartnerUnavailable as exc:
        return error_response(400, "partner_unavailable", exc.message)
    except flows.PartnerRefused as exc:
        return error_response(400, "partner_refused", exc.message)
    if user is None or not user.is_active:
        return error_response(
            400, "unknown_user_id", _("There is no user with this ID."), param="user_id"
        )
    if user.is_staff or user.is_superuser:
        logger.warning("user-ID login refused for staff account %s", user.pk)
        return error_response(403, "not_for_staff", _("This account cannot log in with a user ID."))
    login_steps.user_id_login(request, user, "keymap.backends.PartnerBackend")
    return _ok(
        {
            "login_strength": "user_id",
            "login_type": login_strength.of(request).login_type,
            "allowed": sorted(USER_ID_ENDPOINTS),
        }
    )
