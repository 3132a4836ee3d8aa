"""Which providers this request may use: enabled, not age-restricted, not filtered out.

The shop's six are switched on in the admin; any other allauth provider the host configures
the allauth way (a ``SocialApp`` row, ``SOCIALACCOUNT_PROVIDERS[...]["APPS"]``) is on when
allauth has an app for it. The store's rules apply to both: an age-restricted store offers no
social login at all (no provider supplies a verified date of birth), and the provider
filters (``registry``) see every provider id, so "Kakao only inside KakaoTalk" refuses the
host's GitHub as it refuses Naver.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from store.models import StoreSettings

from . import registry
from .catalog import PROVIDER_IDS, PROVIDERS
from .conf import configs_for

logger = logging.getLogger(__name__)


_MEMO_ATTR = "_sociallogin_available"


def available_provider_ids(request: HttpRequest | None) -> list[str]:
    """Providers offered and accepted for ``request``, in the admin's order.

    Computed once per request (the adapter asks several times per login step).
    """
    memo = getattr(request, _MEMO_ATTR, None) if request is not None else None
    if memo is not None:
        return list(memo)
    ids = _compute(request)
    if request is not None:
        setattr(request, _MEMO_ATTR, tuple(ids))
    return ids


def _compute(request: HttpRequest | None) -> list[str]:
    if StoreSettings.load().age_restricted:
        return []
    configs = configs_for(request)
    # The admin's order; sorted() is stable, so equal positions keep the catalog's order.
    ids = sorted(
        (pid for pid in PROVIDER_IDS if configs[pid].is_active),
        key=lambda pid: configs[pid].position,
    )
    return registry.filter_providers(request, ids)


def refusal_reason(request: HttpRequest | None, provider_id: str) -> str | None:
    """Why ``provider_id`` is not accepted for this request, or None when it is.

    For a provider that is not one of the shop's six, whether allauth has an app for it is
    the adapter's question; here only the store's rules are asked.
    """
    if provider_id not in PROVIDERS:
        return host_refusal_reason(request, provider_id)
    if provider_id in available_provider_ids(request):
        return None
    if StoreSettings.load().age_restricted:
        return "age_restricted"
    if not configs_for(request)[provider_id].is_active:
        return "disabled"
    return "filtered"


def host_refusal_reason(request: HttpRequest | None, provider_id: str) -> str | None:
    """The store's rules for a host's own allauth provider (GitHub, OpenID Connect...)."""
    if StoreSettings.load().age_restricted:
        return "age_restricted"
    if not registry.filter_providers(request, [provider_id]):
        return "filtered"
    return None


def unavailable_response(request: HttpRequest, provider_id: str, reason: str) -> HttpResponse:
    logger.warning("social login refused: provider=%s reason=%s", provider_id, reason)
    messages = {
        "age_restricted": _(
            "This store sells age-restricted goods. Social login supplies no date of birth, "
            "so please log in or sign up with a store ID."
        ),
        "filtered": _("This way of logging in is not available in this browser."),
    }
    message = messages.get(
        reason, _("Logging in with this service is not available in this store.")
    )
    info = PROVIDERS.get(provider_id)
    return render(
        request,
        "sociallogin/unavailable.html",
        {"message": message, "provider_name": info.name if info else provider_id},
        status=403 if reason in ("age_restricted", "filtered") else 404,
    )
