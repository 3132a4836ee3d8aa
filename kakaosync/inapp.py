"""KakaoTalk's in-app browser: detection and the "Kakao ID only" policy.

Kakao's rule: the User-Agent contains ``KAKAOTALK`` (iOS ``… KAKAOTALK 10.3.1``, Android
``…;KAKAOTALK 2410310``). With the store's option on, such a browser is offered and accepted
Kakao login only; every other browser (PC, mobile web, other in-app browsers) is untouched.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from .conf import load_config, sync_active

SESSION_AUTO_LOGIN = "kakaosync_auto_login"
SESSION_CLAIM = "kakaosync_claim"
NO_CLAIM = -1  # a claim naming no claimable account: kept so that nothing tells them apart


def claimable_accounts() -> Any:
    """Accounts a shopper may connect to Kakao by naming them: active customers with an
    address for the code. Staff and superusers never: a guessed name and a few guessed
    passwords must not end with a Kakao account that opens the admin."""
    return (
        get_user_model()
        ._default_manager.filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(email="")
    )


def is_kakaotalk(request: HttpRequest) -> bool:
    return "KAKAOTALK" in request.headers.get("User-Agent", "").upper()


def restriction_active(request: HttpRequest) -> bool:
    """Kakao-only login applies to this request (cheap for other browsers: no cache read)."""
    if not hasattr(request, "headers") or not is_kakaotalk(request):
        return False
    if not load_config().kakao_only_in_app_browser:
        return False
    return sync_active() is not None


def is_admin_login(request: Any, user: Any = None) -> bool:
    """A login through the admin's own login page: store staff keep the admin in KakaoTalk."""
    match = getattr(request, "resolver_match", None)
    if match is None or "admin" not in match.namespaces:
        return False
    return user is None or bool(user.is_staff)


def refuses_password_login(request: Any) -> bool:
    """``store.registry`` password-login gate: none inside KakaoTalk (option on) but the admin's."""
    return request is not None and restriction_active(request) and not is_admin_login(request)


def provider_filter(request: HttpRequest, provider_ids: list[str]) -> list[str]:
    """``sociallogin`` provider filter: only Kakao inside KakaoTalk when the option is on."""
    if restriction_active(request):
        return [p for p in provider_ids if p == "kakao"]
    return provider_ids


def kakao_auth_params(request: HttpRequest) -> dict[str, str]:
    """``sociallogin`` authorize parameters: Kakao Sync's terms and channel."""
    config = sync_active()
    if config is None:
        return {}
    params = {"service_terms": ",".join(config.term_tags)}
    explicit = request.GET.get("auth_params") or ""
    if "service_terms=" in explicit:
        # The additional-consent flow names exactly the terms to ask for.
        del params["service_terms"]
    asked = _headless_consent_tags(request, config.term_tags)
    if asked:
        # allauth headless's provider/redirect, run by a front end for the additional-consent
        # flow (``service_terms`` posted with it): only the store's own tags are asked.
        params["service_terms"] = ",".join(asked)
    if config.channel_public_id:
        params["channel_public_id"] = config.channel_public_id
    return params


def _headless_consent_tags(request: HttpRequest, store_tags: Any) -> list[str]:
    from sociallogin.headless import endpoint_name

    if request.method != "POST" or endpoint_name(request) != "socialaccount:redirect_to_provider":
        return []
    posted = str(request.POST.get("service_terms") or "")
    known = list(store_tags)
    return [tag for tag in known if tag in {t.strip() for t in posted.split(",")}]
