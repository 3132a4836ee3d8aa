"""Store ID/password login through the partner's user-authentication webhook."""

from __future__ import annotations

import logging
from dataclasses import dataclass
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

from store import login_pipeline, registry
from store.login_pipeline import LoginPart

from . import flows
from .client import PartnerUnavailable

logger = logging.getLogger(__name__)

UNAVAILABLE = _("The login service is unavailable at the moment. Please try again shortly.")


@dataclass
class PartnerFault(LoginPart):
    """A password login's partner could not answer: what the shopper is told, and whether
    the login form tells it itself (allauth's, through our account adapter)."""

    key = "keymap.partner_fault"
    persist = False
    message: Any = None
    form_reports: bool = False
    # The proof page this login waits on (an address the shop already has), if any.
    proof_url: str = ""


def fault_of(request: Any, *, create: bool = False) -> PartnerFault | None:
    """This request's password login's :class:`PartnerFault` (``create``: make one)."""
    if request is None:
        return None
    ctx = login_pipeline.current(request)
    if ctx is None:
        if not create:
            return None
        ctx = login_pipeline.begin(request, "password")
    fault = ctx.get(PartnerFault)
    if fault is None and create:
        fault = PartnerFault()
        ctx.put(fault)
    return fault


def partner_fault(request: Any) -> Any | None:
    """The message for the shopper when the partner failed during this request's login."""
    fault = fault_of(request)
    return fault.message if fault is not None else None


class PartnerBackend(BaseBackend):
    """Asks the partner; ``None`` on a refusal lets the other backends try (store admins).

    Never raises: a partner that cannot answer is logged, noted on the request
    (:func:`partner_fault`) and told to the shopper through ``messages`` (allauth's login
    form shows it as its error instead), so that any login view, the host's too, answers
    "try again" rather than a 500. A login for an address an account of the shop already
    has logs nobody in: it waits on the proof page (allauth's login form redirects there),
    or is refused with what to do instead.
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
        except flows.ProofNeeded as needed:
            _hold_for_proof(request, needed)
            return None
        except flows.AddressRefused as refused:
            logger.info("partner login refused: its address belongs to an account")
            _report(request, refused.message)
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
    """Whether ``login`` names a staff or superuser account: by its user name, its
    ``EMAIL_FIELD`` or any of its allauth addresses, verified or not (any of them logs in).
    One query."""
    user_model = get_user_model()
    names = Q(**{f"{user_model.USERNAME_FIELD}__iexact": login})
    email_field = user_model.get_email_field_name()
    try:
        user_model._meta.get_field(email_field)
    except FieldDoesNotExist:
        pass
    else:
        names |= Q(**{f"{email_field}__iexact": login})
    from allauth.account.models import EmailAddress

    names |= Q(pk__in=EmailAddress.objects.filter(email__iexact=login).values("user_id"))
    return bool(
        user_model._default_manager.filter(names)
        .filter(Q(is_staff=True) | Q(is_superuser=True))
        .exists()
    )


PROOF_NEEDED = _(
    "This e-mail address already belongs to an account of this shop. To connect your "
    "store ID to it, prove that the account is yours: %(url)s"
)
PROOF_ELSEWHERE = _(
    "This e-mail address already belongs to an account of this shop. Please log in on "
    "the shop's own login page to connect your store ID to it."
)


def _hold_for_proof(request: Any, needed: flows.ProofNeeded) -> None:
    """The login waits on the proof page: allauth's login form sends the shopper there
    (our account adapter); any other login view shows where to go."""
    from . import partner_proof

    if request is None or not hasattr(request, "session"):
        _report(request, PROOF_ELSEWHERE)
        return
    url = partner_proof.hold(request, needed)["Location"]
    _report(request, PROOF_NEEDED % {"url": url}, proof_url=url)


def _report_fault(request: Any, message: Any) -> None:
    logger.warning("partner login unavailable: %s", message)
    _report(request, message)


def _report(request: Any, message: Any, *, proof_url: str = "") -> None:
    fault = fault_of(request, create=True)
    if fault is None:
        return
    fault.message = message
    fault.proof_url = proof_url
    if not fault.form_reports:
        messages.error(request, message, fail_silently=True)
