"""User-ID login (the partner's user-validation webhook)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from allauth.account.utils import get_next_redirect_url
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from sociallogin.headless import view_url
from store import login_steps, login_strength, ratelimit
from store.client_ip import client_ip

from . import flows
from .app_settings import app_settings
from .client import PartnerUnavailable
from .conf import load
from .forms import UserIdLoginForm
from .models import WebhookName

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@sensitive_post_parameters("user_id")
def user_id_login(request: HttpRequest) -> HttpResponse:
    available = load().webhook(WebhookName.USER_VALIDATION) is not None
    form = UserIdLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and available and form.is_valid():
        user_id = form.cleaned_data["user_id"]
        limit, period = app_settings.USER_ID_RATE_LIMIT
        if not (
            ratelimit.hit(
                "keymap:user-id-ip", client_ip(request) or "-", limit=limit, period=period
            )
            and ratelimit.hit("keymap:user-id", user_id.casefold(), limit=limit, period=period)
        ):
            form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
            status = 429
        else:
            try:
                user = flows.validate_user_id(request, user_id)
            except (flows.PartnerRefused, PartnerUnavailable) as exc:
                form.add_error(None, exc.message)
                status = 503 if isinstance(exc, PartnerUnavailable) else 400
            else:
                if user is None or not user.is_active:
                    form.add_error("user_id", _("There is no user with this ID."))
                elif user.is_staff or user.is_superuser:
                    # A user ID is no proof of identity: never enough for staff.
                    logger.warning("user-ID login refused for staff account %s", user.pk)
                    form.add_error(None, _("This account cannot log in with a user ID."))
                    status = 403
                else:
                    login_steps.user_id_login(request, user, "keymap.backends.PartnerBackend")
                    messages.success(
                        request,
                        _(
                            "You are logged in with your user ID. Log in with your password "
                            "or a social account to see your personal details."
                        ),
                    )
                    return redirect(get_next_redirect_url(request) or "/")
    return render(
        request,
        "keymap/user_id_login.html",
        {"form": form, "available": available, "next": request.GET.get("next", "")},
        status=status,
    )


@login_not_required
@never_cache
def stronger_login(request: HttpRequest) -> HttpResponse:
    """Where a user-ID session lands when it asks for personal data."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    login_url = f"{view_url(request, 'account_login')}?{urlencode({'next': next_url})}"
    if not login_strength.is_user_id_only(request):
        # Nothing to strengthen (logged out, or already a stronger login).
        return redirect(next_url if request.user.is_authenticated else login_url)
    return render(
        request,
        "keymap/stronger_login.html",
        {"next": next_url, "login_url": login_url},
    )
