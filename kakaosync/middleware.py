"""Kakao Sync's request guards, run by ``store.middleware.StoreMiddleware``.

The in-app policy on the server: hiding buttons is not enough. Inside KakaoTalk (option on)
the password login, the store signup, the other login methods and every other provider's
URLs answer with a page that explains why and offers Kakao. And required terms the store
added later are agreed before a member does anything.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

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


# What a session missing required terms may still do: log out, agree at Kakao, read.
TERMS_ALLOWED_VIEWS = {"account_logout", "kakao_login", "kakao_callback"}
# POSTs answered with JSON (a token for an app is no page to redirect).
JSON_VIEWS = {"keymap_token"}


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def required_terms_first(
    request: HttpRequest, view: Any, args: Any, kwargs: Any
) -> HttpResponse | None:
    """Guard ``kakaosync.required_terms``: a Kakao Sync member who lacks a required term the
    store added after they joined agrees to it at Kakao before doing anything (every POST:
    ordering, paying, changing the account), on the shop's views and the host's alike.
    Browsing stays open."""
    from urllib.parse import urlencode

    from . import terms

    session = getattr(request, "session", None)
    if request.method in ("GET", "HEAD", "OPTIONS") or session is None:
        return None
    if not request.user.is_authenticated:
        return None
    match = request.resolver_match
    name = match.view_name if match else ""
    if name in TERMS_ALLOWED_VIEWS or name.startswith(("kakaosync:", "admin:")):
        return None
    # Every session, not only the Kakao logins' (which noted the answer at login): a member
    # who also set a password is bound by the same terms.
    missing = terms.session_missing(session, request.user)
    if not missing:
        return None
    from sociallogin.headless import endpoint_name

    if endpoint := endpoint_name(request):
        from .headless import required_terms_refusal

        return required_terms_refusal(request, endpoint, missing)
    if name in JSON_VIEWS or _wants_json(request):
        return JsonResponse(
            {
                "error": "required_terms",
                "missing": missing,
                "url": reverse("kakaosync:required_terms"),
            },
            status=403,
        )
    # Back to the page the POST came from (its form), on this site only.
    from urllib.parse import urlsplit

    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("Referer", "")
    back = "/"
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    target = redirect("kakaosync:required_terms")
    target["Location"] += "?" + urlencode({"next": back})
    return target


class KakaoInAppBrowserMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``kakaosync.kakao_only_in_app``."""


class KakaoRequiredTermsMiddleware(RetiredMiddleware):
    """Retired: ``StoreMiddleware`` runs guard ``kakaosync.required_terms``."""
