"""The customer's Kakao service terms: agreeing to terms added later, withdrawing consent."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from allauth.account.utils import get_next_redirect_url
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import client, terms
from .conf import load_config
from .models import KakaoSyncMember

logger = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET"])
def required_terms(request: HttpRequest) -> HttpResponse:
    """Kept for links to it: the store's consents page lists every missing item, Kakao's
    terms with the button to agree at Kakao."""
    target = reverse("store:consents")
    next_url = get_next_redirect_url(request)
    return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)


@login_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    """The member's Kakao service terms; withdrawing one withdraws it at Kakao as well."""
    config = load_config()
    member = KakaoSyncMember.objects.filter(user=request.user).first()  # type: ignore[misc]
    if request.method == "POST":
        tag = request.POST.get("tag", "")
        try:
            terms.withdraw(request.user, [tag])
        except terms.WithdrawRefused as exc:
            logger.warning("kakao term withdrawal refused for user %s: %s", request.user.pk, exc)
            messages.error(request, _("This consent cannot be withdrawn here."))
        except client.KakaoError as exc:
            logger.warning("kakao term withdrawal failed for user %s: %s", request.user.pk, exc)
            messages.error(
                request,
                _("Kakao did not confirm the withdrawal; nothing was changed. Please try again."),
            )
        else:
            messages.success(request, _("Your consent was withdrawn, also at Kakao."))
        return redirect("kakaosync:consents")
    titles = {t.tag: t.title for t in config.terms}
    rows = [
        {
            "tag": term.get("tag"),
            "title": titles.get(str(term.get("tag")), term.get("tag")),
            "required": term.get("required"),
            "agreed": term.get("agreed"),
            "agreed_at": term.get("agreed_at"),
            "agreed_by": term.get("agreed_by"),
            "revocable": term.get("revocable") and term.get("agreed"),
        }
        for term in (member.terms if member is not None and member.is_linked else [])
        if isinstance(term, dict)
    ]
    return render(request, "kakaosync/consents.html", {"rows": rows})
