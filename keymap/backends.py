"""Store ID/password login through the partner's user-authentication webhook."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from store import registry

from . import flows
from .client import PartnerUnavailable

logger = logging.getLogger("keymap.backends")

# Set on the request when the partner could not answer, for whoever shows the login form.
FAULT_ATTR = "_keymap_partner_fault"
# Set by a caller that reports the fault itself (allauth's form, through our adapter).
FORM_REPORTS_FAULT_ATTR = "_keymap_form_reports_partner_fault"
UNAVAILABLE = _("The login service is unavailable at the moment. Please try again shortly.")


def partner_fault(request: Any) -> Any | None:
    """The message for the shopper when the partner failed during this request's login."""
    return getattr(request, FAULT_ATTR, None)


class PartnerBackend(BaseBackend):
    """Asks the partner; ``None`` on a refusal lets the other backends try (store admins).

    Never raises: a partner that cannot answer is logged, noted on the request
    (:func:`partner_fault`) and told to the shopper through ``messages`` (allauth's login
    form shows it as its error instead), so that any login view, the host's too, answers
    "try again" rather than a 500.
    """

    # The session's login type (the JWT's ``type``) for logins through this backend.
    login_type = flows.PARTNER_CHANNEL

    @method_decorator(sensitive_variables("password"))
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> Any | None:
        login = (email or username or "").strip()
        if not login or not password:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and "admin" in match.namespaces:
            # A partner that is down must not lock the admin out: local accounts only.
            return None
        if registry.password_login_refused(request):
            return None  # e.g. Kakao only inside KakaoTalk: the password stays here
        if _is_staff_login(login):
            # Staff passwords stay in the shop, whatever login view they are typed into.
            return None
        try:
            user = flows.authenticate(request, login, password)
        except PartnerUnavailable as exc:
            _report_fault(request, exc.message)
            return None
        except Exception:
            # Whatever else breaks (a bug, the database) is still no 500 on a login page.
            logger.exception("partner login failed")
            _report_fault(request, UNAVAILABLE)
            return None
        return user if user is not None and user.is_active else None

    def get_user(self, user_id: Any) -> Any | None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if user.is_active else None


def _is_staff_login(login: str) -> bool:
    user_model = get_user_model()
    names = Q(**{f"{user_model.USERNAME_FIELD}__iexact": login})
    try:
        user_model._meta.get_field("email")
    except FieldDoesNotExist:
        pass
    else:
        names |= Q(email__iexact=login)
    return bool(
        user_model._default_manager.filter(names)
        .filter(Q(is_staff=True) | Q(is_superuser=True))
        .exists()
    )


def _report_fault(request: Any, message: Any) -> None:
    logger.warning("partner login unavailable: %s", message)
    if request is None:
        return
    setattr(request, FAULT_ATTR, message)
    if not getattr(request, FORM_REPORTS_FAULT_ATTR, False):
        messages.error(request, message, fail_silently=True)
