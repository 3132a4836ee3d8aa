"""Kakao Sync's request guards, run by ``store.middleware.StoreMiddleware``.

The in-app policy on the server: hiding buttons is not enough. Inside KakaoTalk (option on)
the password login, the store signup, the other login methods and every other provider's
URLs answer with a page that explains why and offers Kakao. (Required terms the store
added later are asked by the store's guard ``store.required_consents``, with the store's
own terms: ``kakaosync.terms.KakaoTerms``.)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from store.middleware import RetiredMiddleware

from . import inapp
from .inapp_views import kakao_only_page

# Other ways of logging in or joining, refused inside KakaoTalk (url names).
REFUSED_VIEWS = {
    "account_login_code",
    "account_confirm_login_code",
    "account_request_login_code",
    "keymap:user_id_login",
}
AUTO_LOGIN_ERRORS = {"consent_required", "login_required", "interaction_required"}


def kakao_only_in_app(
    request: HttpRequest, view: Any, args: Any, kwargs: Any
) -> HttpResponse | None:
    """Guard ``kakaosync.kakao_only_in_app``."""
    if not inapp.is_kakaotalk(request):
        return None
    match = request.resolver_match
    name = match.view_name if match else ""
    if (
        name == "kakao_callback"
        and request.GET.get("error") in AUTO_LOGIN_ERRORS
        and request.session.get(inapp.SESSION_AUTO_LOGIN) == "pending"
    ):
        # The automatic prompt=none attempt found no member: show the Kakao button.
        request.session[inapp.SESSION_AUTO_LOGIN] = "done"
        return redirect("kakaosync:kakao_only")
    if not inapp.restriction_active(request):
        return None
    from sociallogin.headless import endpoint_name

    if endpoint := endpoint_name(request):
        from .headless import kakao_only

        return kakao_only(request, endpoint)
    if name in ("account_login", "account_signup"):
        if request.method != "POST" and request.user.is_authenticated:
            return None  # allauth sends a logged-in customer on
        if request.method == "POST":
            reason = "password" if name == "account_login" else "signup"
            return kakao_only_page(request, refused=reason, status=403)
        return kakao_only_page(request)
    if name == "keymap:headless_user_id_login":
        from .headless import _refuse

        return _refuse(request, name, "other", "")
    if name in REFUSED_VIEWS:
        return kakao_only_page(request, refused="other", status=403)
    provider, _sep, suffix = name.rpartition("_")
    if suffix in ("login", "callback") and _other_provider(provider):
        return kakao_only_page(request, refused="provider", provider=provider, status=403)
    return None


def _other_provider(provider_id: str) -> bool:
    """Any allauth provider but Kakao: the shop's five others and the host's own (GitHub,
    OpenID Connect...), which the store's Kakao-only promise covers as well."""
    from allauth.socialaccount.providers import registry

    return provider_id != "kakao" and registry.get_class(provider_id) is not None


class KakaoInAppBrowserMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``kakaosync.kakao_only_in_app``."""


class KakaoRequiredTermsMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``store.required_consents``, which asks
    Kakao's required terms with the store's."""
