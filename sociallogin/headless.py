"""The shop's promises through allauth headless (``/_allauth/{browser,app}/v1/``).

A headless client reads JSON, not pages. Here:

- :func:`is_headless_endpoint` (a view of allauth headless's URL namespace) and
  :func:`error_response`, allauth headless's error shape
  (``{"status": 4xx, "errors": [{"message", "code", "param"}]}``) for the shop's refusals;
- :func:`refusal`: a login pipeline step's refusal (an ``ImmediateHttpResponse`` carrying
  a page, raised in ``pre_social_login`` or ``save_user``) for a headless login. On one of
  allauth headless's JSON endpoints it becomes that JSON answer; at the provider's callback
  of a headless redirect flow it becomes a ``ValidationError`` whose ``code`` allauth
  headless puts on the front end's ``callback_url`` (``?error=<code>``);
- the URLs of allauth's HTML views, which a ``HEADLESS_ONLY`` project does not have: the
  front end's page instead (``HEADLESS_FRONTEND_URLS``), never a ``NoReverseMatch``;
- check ``sociallogin.E030``: with allauth headless installed, the store's signup fields
  need ``ACCOUNT_SIGNUP_FORM_CLASS`` (``sociallogin.headless_signup``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages import get_messages
from django.core import checks
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .headless_signup import PATH as SIGNUP_FORM_CLASS

logger = logging.getLogger(__name__)

NAMESPACE = "headless"


def installed() -> bool:
    from django.apps import apps

    return apps.is_installed("allauth.headless")


def headless_only() -> bool:
    return bool(getattr(settings, "HEADLESS_ONLY", False))


def endpoint_name(request: Any) -> str:
    """``"account:login"``, ``"socialaccount:redirect_to_provider"``...: the headless view
    (browser or app client alike), or "" when the request is not for allauth headless."""
    match = getattr(request, "resolver_match", None)
    namespaces = list(getattr(match, "namespaces", None) or [])
    if not namespaces or namespaces[0] != NAMESPACE:
        return ""
    # headless:browser:account:login → account:login
    return ":".join([*namespaces[2:], match.url_name or ""])  # type: ignore[union-attr]


def is_headless_endpoint(request: Any) -> bool:
    return bool(endpoint_name(request))


def client_of(request: Any) -> str:
    """``"browser"`` or ``"app"`` for a headless request, else ""."""
    match = getattr(request, "resolver_match", None)
    namespaces = list(getattr(match, "namespaces", None) or [])
    return namespaces[1] if len(namespaces) > 1 and namespaces[0] == NAMESPACE else ""


def error_response(
    status: int,
    code: str,
    message: Any,
    *,
    param: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> JsonResponse:
    """An answer in allauth headless's error shape (what its front-end clients parse)."""
    if errors is None:
        error: dict[str, Any] = {"message": str(message), "code": code}
        if param:
            error["param"] = param
        errors = [error]
    body: dict[str, Any] = {"status": status, "errors": errors}
    if data is not None:
        body["data"] = data
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


# --- refusals of the login pipeline ---------------------------------------------------------

# Per refusing step (its name's end) and kind of answer: the code a front end reads, and the
# status of the JSON answer. The message is the one the step gave the shopper, when it gave
# one (``messages.error``), otherwise the one below.
_BY_STEP: dict[str, tuple[str, int]] = {
    "refuse_unavailable_provider": ("provider_unavailable", 403),
    "one_first_login_at_a_time": ("busy", 409),
    "screen_new_account": ("deleted_account", 403),
    "read_terms_and_channel": ("required_terms", 403),
    "claimed_account_to_ownership": ("proof_required", 409),
    "refuse_user_id_connect": ("login_too_weak", 403),
    "ask_partner": ("partner_refused", 400),
    "refuse_outside_kakao": ("kakao_only", 403),
}


def _messages() -> dict[str, Any]:
    return {
        "provider_unavailable": _("Logging in with this service is not available here."),
        "busy": _("This account is being set up by another login. Please try again."),
        "deleted_account": _(
            "This account was deleted from the store and cannot join again for now."
        ),
        "required_terms": _("Joining needs your agreement to the store's required terms."),
        "proof_required": _(
            "An account with this email address exists. Prove it is yours to link the two."
        ),
        "login_too_weak": _("Log in with your password or a social account first."),
        "partner_refused": _("The store could not accept this login."),
        "partner_unavailable": _("The store's member service did not answer. Please try again."),
        "kakao_only": _("Only Kakao login is available in the KakaoTalk browser."),
        "provider_error": _("The login service did not answer as expected. Please try again."),
        "login_refused": _("This login was refused."),
    }


def _last_error_message(request: HttpRequest) -> str:
    """The error a refusing step gave the shopper (a page would show it); read once, so that
    no server-rendered page shows it later."""
    found = ""
    for message in get_messages(request):
        if "error" in message.tags:
            found = str(message)
    return found


def classify(request: HttpRequest, exc: Any) -> tuple[str, int, str]:
    """(code, status, message) of a pipeline step's refusal."""
    step = str(getattr(exc, "login_step", "") or "").rpartition(".")[2]
    response = getattr(exc, "response", None)
    status = int(getattr(response, "status_code", 400) or 400)
    code, json_status = _BY_STEP.get(step, ("login_refused", 400))
    if step == "screen_new_account" and status in (301, 302):
        code, json_status = "proof_required", 409
    elif step == "read_terms_and_channel" and status >= 500:
        code, json_status = "provider_error", 400
    elif step == "refuse_unavailable_provider" and _kakao_only(request):
        code = "kakao_only"
    message = _last_error_message(request)
    if code == "partner_refused" and not message:
        code = "partner_unavailable"
    return code, json_status, message or str(_messages()[code])


def _kakao_only(request: HttpRequest) -> bool:
    from django.apps import apps

    if not apps.is_installed("kakaosync"):
        return False
    from kakaosync import inapp

    return inapp.restriction_active(request)


def refusal(request: HttpRequest, sociallogin: Any, exc: Any) -> Exception:
    """What to raise instead of a step's page for a headless login; ``exc`` itself for the
    shop's HTML login."""
    from allauth.core.exceptions import ImmediateHttpResponse

    on_endpoint = is_headless_endpoint(request)
    if not on_endpoint and not getattr(sociallogin, "is_headless", False):
        return exc  # allauth's HTML flow: the step's page
    code, status, message = classify(request, exc)
    logger.info(
        "headless login refused: provider=%s code=%s step=%s",
        getattr(getattr(sociallogin, "account", None), "provider", "-"),
        code,
        getattr(exc, "login_step", "-"),
    )
    if on_endpoint:
        data = None
        if code == "proof_required":
            data = {"flow": proof_flow()}
        return ImmediateHttpResponse(error_response(status, code, message, data=data))
    # The callback of a redirect flow: allauth headless sends the browser back to the front
    # end's callback_url with ?error=<code>.
    return ValidationError(message, code=code)


def add_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query (a fragment stays last)."""
    from urllib.parse import urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def proof_flow() -> dict[str, str]:
    """How a front end proves ownership: the shop's page, which ends on its callback_url."""
    return {"id": "proof_of_ownership", "url": reverse("sociallogin:link")}


# --- URLs a HEADLESS_ONLY project does not have --------------------------------------------

# allauth's view names and the ``HEADLESS_FRONTEND_URLS`` key of the front end's page for it
# (allauth's own keys where it has one).
FRONTEND_KEYS = {
    "account_login": "account_login",
    "account_signup": "account_signup",
    "socialaccount_login_error": "socialaccount_login_error",
}


def view_url(request: Any, view_name: str) -> str:
    """The URL of allauth's HTML view ``view_name``, or in a project without it (allauth's
    ``HEADLESS_ONLY``) the front end's page named in ``HEADLESS_FRONTEND_URLS``, else "/"."""
    try:
        return reverse(view_name)
    except NoReverseMatch:
        if not headless_only():
            raise
    urls = getattr(settings, "HEADLESS_FRONTEND_URLS", {}) or {}
    return str(urls.get(FRONTEND_KEYS.get(view_name, view_name)) or "/")


def redirect_to_view(request: Any, view_name: str) -> HttpResponse:
    from django.http import HttpResponseRedirect

    return HttpResponseRedirect(view_url(request, view_name))


# --- checks ------------------------------------------------------------------------------


def check_signup_form_class(**kwargs: Any) -> list[checks.CheckMessage]:
    """``sociallogin.E030``: allauth headless would sign social customers up without the
    store's signup fields (its input class is not ``SOCIALACCOUNT_FORMS``')."""
    if not installed():
        return []
    path = getattr(settings, "ACCOUNT_SIGNUP_FORM_CLASS", None) or ""
    if path:
        from django.utils.module_loading import import_string

        from .headless_signup import StoreSignupFields

        try:
            cls = import_string(path)
        except ImportError:
            cls = None
        if isinstance(cls, type) and issubclass(cls, StoreSignupFields):
            return []
    return [
        checks.Error(
            "allauth headless is installed but its social signup does not ask the store's "
            "signup fields (a required phone would be neither asked nor kept).",
            hint=f'Set ACCOUNT_SIGNUP_FORM_CLASS = "{SIGNUP_FORM_CLASS}" (or a subclass).',
            id="sociallogin.E030",
        )
    ]


def check_frontend_urls(**kwargs: Any) -> list[checks.CheckMessage]:
    """``sociallogin.E031``: a ``HEADLESS_ONLY`` project names the front end's pages the shop
    sends shoppers to (it has no allauth HTML views to send them to)."""
    if not installed() or not headless_only():
        return []
    urls = getattr(settings, "HEADLESS_FRONTEND_URLS", {}) or {}
    missing = [key for key in ("account_login", "socialaccount_login_error") if not urls.get(key)]
    if not missing:
        return []
    return [
        checks.Error(
            "HEADLESS_ONLY is on but HEADLESS_FRONTEND_URLS does not name "
            + ", ".join(missing)
            + ": the shop would have no page to send a refused or logged-out shopper to.",
            hint="Add "
            + ", ".join(f'"{key}": "https://front.example/…"' for key in missing)
            + " to HEADLESS_FRONTEND_URLS.",
            id="sociallogin.E031",
        )
    ]


def register_checks() -> None:
    checks.register(check_signup_form_class)
    checks.register(check_frontend_urls)


# --- the store's signup fields, for a front end ---------------------------------------------


def signup_fields(provider_id: str) -> list[dict[str, Any]]:
    """The fields the store's signup form asks on a social signup with ``provider_id``, in
    its order (an empty login of that provider: no value is pre-filled)."""
    from allauth.socialaccount.models import SocialAccount, SocialLogin
    from django.contrib.auth import get_user_model

    from .forms import SocialSignupForm

    login = SocialLogin(account=SocialAccount(provider=provider_id), user=get_user_model()())
    form = SocialSignupForm(sociallogin=login)
    out = []
    for name, field in form.fields.items():
        entry: dict[str, Any] = {
            "name": name,
            "label": str(field.label or name),
            "required": bool(field.required),
            "type": type(field).__name__,
        }
        choices = getattr(field, "choices", None)
        if choices:
            entry["choices"] = [[str(k), str(v)] for k, v in choices if k != ""]
        out.append(entry)
    return out


@login_not_required
@require_GET
def signup_fields_view(request: HttpRequest, provider: str) -> HttpResponse:
    """``GET /sociallogin/headless/signup-fields/<provider>``: what a front end asks on
    allauth headless's ``provider/signup`` (the same form validates it)."""
    from .catalog import PROVIDERS

    if provider not in PROVIDERS:
        return error_response(404, "unknown_provider", _("Unknown provider."), param="provider")
    response = JsonResponse({"status": 200, "data": {"fields": signup_fields(provider)}})
    add_never_cache_headers(response)
    return response
