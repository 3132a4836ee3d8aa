"""The consents' pages: a term's text, the terms before a social login joins, and each
customer's consents page (agree, withdraw, and everything missing: the store's terms by
checkbox, Kakao Sync's terms through Kakao's additional-consent flow); the request guard
``store.required_consents``."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from . import consents, login_pipeline
from .consent_forms import ConsentForm
from .models import Term, TermVersion

logger = logging.getLogger(__name__)

KAKAO_REFUSED = gettext_noop(
    "Kakao did not confirm the withdrawal; nothing was changed. Please try again."
)


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, {request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@require_http_methods(["GET"])
def term(request: HttpRequest, pk: int) -> HttpResponse:
    """A published term's text (``?version=N``: an earlier version a customer agreed to)."""
    found = get_object_or_404(Term, pk=pk, published=True)
    version = request.GET.get("version", "")
    shown: Any = found
    if version.isdigit() and int(version) != found.version:
        shown = TermVersion.objects.filter(term=found, version=int(version)).first()
        if shown is None:
            raise Http404
    return render(request, "store/consents/term.html", {"term": shown, "current": found})


def _paused_kakao_tags(sociallogin: Any) -> set[str]:
    state = (sociallogin.state or {}).get(login_pipeline.STATE_KEY) or {}
    read = (state.get("parts") or {}).get("kakaosync.read") or {}
    data = read.get("data") or {}
    return {str(t.get("tag")) for t in data.get("terms", []) if isinstance(t, dict)}


@require_http_methods(["GET", "POST"])
def consents_join(request: HttpRequest) -> HttpResponse:
    """The store's terms for a social login that joins without the "finish joining" form."""
    sociallogin = login_pipeline.paused(request)
    if sociallogin is None:
        messages.error(request, _("Your login took too long. Please log in again."))
        return redirect("account_login")
    covered = _paused_kakao_tags(sociallogin)
    terms = [t for t in consents.published_terms() if not (t.kakao_tag and t.kakao_tag in covered)]
    form = ConsentForm(request.POST or None, consent_terms=terms)
    if request.method == "POST" and form.is_valid():
        response = login_pipeline.resume(request, form.answer())
        if response is None:
            messages.error(request, _("Your login took too long. Please log in again."))
            return redirect("account_login")
        return response
    if request.method == "POST":
        logger.info("consents before joining refused: %s", sorted(form.errors))
    return render(
        request,
        "store/consents/join.html",
        {"form": form, "provider": sociallogin.account.get_provider().name},
    )


def _rows(user: Any) -> list[dict[str, Any]]:
    mine = consents.current(user)
    rows = []
    for t in consents.published_terms():
        consent = mine.get(t.pk)
        rows.append(
            {
                "term": t,
                "consent": consent,
                "holds": consents.holds(consent, t),
                "outdated": consent is not None and consent.agreed and consent.version != t.version,
                "withdrawable": not t.mandatory and consent is not None and consent.agreed,
            }
        )
    return rows


def _date(value: Any) -> str:
    return str(formats.date_format(timezone.localtime(value), "Y-m-d H:i"))


def _kakao_part(
    request: HttpRequest, missing: list[dict[str, Any]], next_url: str
) -> dict[str, Any] | None:
    """Kakao's missing terms and the button that asks exactly those at Kakao. Back to
    ``next_url`` when nothing else is missing, else back here for the store's."""
    items = [i for i in missing if i["where"] == consents.AT_KAKAO]
    source = _source(consents.AT_KAKAO)
    if not items or source is None:
        return None
    back = next_url
    if len(items) < len(missing):
        here = reverse("store:consents")
        back = f"{here}?{urlencode({'next': next_url})}" if next_url else here
    action, fields = source.form(items, back)
    return {"missing": [i["title"] for i in items], "action": action, "fields": fields}


def _source(name: str) -> Any:
    return next((s for s in consents.required_sources() if s.name == name), None)


@login_required
@require_http_methods(["GET", "POST"])
def consents_page(request: HttpRequest) -> HttpResponse:
    """Every consent of the customer with its date, and everything mandatory it lacks (the
    store's terms to tick, Kakao's to agree at Kakao); withdraw an optional one (at Kakao
    too when Kakao holds it)."""
    user = request.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    rows = _rows(user)
    to_agree = [r["term"] for r in rows if not r["holds"]]
    form = ConsentForm(
        request.POST if request.POST.get("action") == "agree" else None,
        consent_terms=to_agree,
        asks_age=False,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "withdraw":
            return _withdraw(request, user, request.POST.get("term", ""))
        if action == "agree" and form.is_valid():
            answers = {t: a for t, a in form.consent_answers().items() if a}
            written = consents.record(user, answers, via="form", channel="consents_page")
            left = consents.note_missing(request.session, user)
            for consent in written:
                messages.success(
                    request,
                    _("You agreed to %(term)s on %(date)s.")
                    % {"term": consents.describe(consent), "date": _date(consent.at)},
                )
            if next_url and not left:
                return redirect(next_url)
            here = reverse("store:consents")
            return redirect(f"{here}?{urlencode({'next': next_url})}" if next_url else here)
    # Read afresh (a page, not every request): Kakao's answer may have arrived since.
    missing = consents.describe_missing(consents.note_missing(request.session, user))
    return render(
        request,
        "store/consents/page.html",
        {
            "rows": rows,
            "form": form,
            "missing": [i for i in missing if i["where"] == consents.AT_STORE],
            "kakao": _kakao_part(request, missing, next_url),
            "next": next_url,
        },
    )


def _withdraw(request: HttpRequest, user: Any, term_id: str) -> HttpResponse:
    found = Term.objects.filter(pk=term_id, published=True).first() if term_id.isdigit() else None
    if found is None:
        messages.error(request, _("This consent cannot be withdrawn here."))
        return redirect("store:consents")
    try:
        consent = consents.withdraw(user, found)
    except consents.WithdrawRefused as exc:
        logger.warning("consent withdrawal refused for user %s: %s", user.pk, exc)
        messages.error(request, _("This consent cannot be withdrawn here."))
    except Exception as exc:
        from django.apps import apps

        if apps.is_installed("kakaosync"):
            from kakaosync.client import KakaoError

            if isinstance(exc, KakaoError):
                logger.warning("kakao withdrawal failed for user %s: %s", user.pk, exc)
                messages.error(request, _(KAKAO_REFUSED))
                return redirect("store:consents")
        raise
    else:
        messages.success(
            request,
            _("You withdrew your consent to %(term)s on %(date)s. We e-mailed you the result.")
            % {"term": found.title, "date": _date(consent.at)},
        )
    return redirect("store:consents")


# --- the request guard ---------------------------------------------------------------------

# What a session lacking a mandatory consent may still do: log out, agree (here or at Kakao).
ALLOWED_VIEWS = {"account_logout", "kakao_login", "kakao_callback"}
# Through allauth headless: read (GET), log out, and run Kakao's additional-consent flow.
ALLOWED_ENDPOINTS = {"account:current_session", "socialaccount:redirect_to_provider"}
# POSTs answered with JSON (a token for an app is no page to redirect).
JSON_VIEWS = {"keymap_token"}


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def required_consents_first(
    request: HttpRequest, view: Any, args: Any, kwargs: Any
) -> HttpResponse | None:
    """Guard ``store.required_consents``: a customer who lacks anything mandatory (a term
    published or a version changed since they agreed, a customer who joined through a
    partner or a host's form without it, a Kakao Sync term the store added after they
    joined) agrees to it before any POST, on the shop's views and the host's alike.
    Browsing stays open."""
    session = getattr(request, "session", None)
    if request.method in ("GET", "HEAD", "OPTIONS") or session is None:
        return None
    if not request.user.is_authenticated:
        return None
    match = request.resolver_match
    name = match.view_name if match else ""
    if name in ALLOWED_VIEWS or name.startswith(("store:consents", "store:term", "admin:")):
        return None
    if name.startswith("kakaosync:"):
        return None  # Kakao's own consents page and webhooks
    from sociallogin.headless import endpoint_name

    endpoint = endpoint_name(request)
    if endpoint in ALLOWED_ENDPOINTS:
        return None
    missing = consents.session_missing(session, request.user)
    if not missing:
        return None
    if endpoint or name in JSON_VIEWS or _wants_json(request):
        return missing_answer(request, missing)
    url = reverse("store:consents")
    # Back to the page the POST came from (its form), on this site only, as a path.
    referer = urlsplit(_safe_next(request, request.headers.get("Referer", "")))
    back = (referer.path or "/") + (f"?{referer.query}" if referer.query else "")
    return redirect(f"{url}?{urlencode({'next': back})}")


def missing_answer(request: HttpRequest, missing: list[dict[str, Any]]) -> HttpResponse:
    """403 in allauth headless's error shape: one error per missing item (``param``: the
    Kakao tag, or the consents form's field), and in ``data`` the items, the consents
    page and Kakao's additional-consent flow for Kakao's. ``error`` is kept for the JSON
    clients of the earlier answers (``required_terms`` while a Kakao term is missing)."""
    items = consents.describe_missing(missing)
    errors = []
    for item in items:
        if item["where"] == consents.AT_KAKAO:
            message = _("Please agree to “%(title)s” at Kakao to continue.")
            code = "required_terms"
        else:
            message = _("Please agree to “%(title)s” on the store's consents page to continue.")
            code = "required_consents"
        errors.append(
            {"message": message % {"title": item["title"]}, "code": code, "param": item["param"]}
        )
    at_kakao = [i for i in items if i["where"] == consents.AT_KAKAO]
    source = _source(consents.AT_KAKAO)
    body = {
        "status": 403,
        "error": "required_terms" if at_kakao else "required_consents",
        "errors": errors,
        "data": {
            "missing": items,
            "url": reverse("store:consents"),
            "flow": source.flow(request, at_kakao) if at_kakao and source is not None else None,
        },
    }
    response = JsonResponse(body, status=403)
    add_never_cache_headers(response)
    return response
