"""The token endpoint, the user-details API and the public keys (JSON only).

``/api/token`` serves two kinds of session: a browser's (the session cookie, so the POST
needs Django's CSRF token) and an app's (allauth headless's ``X-Session-Token``: no cookie,
so nothing for a cross-site page to ride, and no CSRF token). Both get the same JWT: the
same claims (``sid`` of that session), the same strength rules, the same revocation.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from store import login_strength

from . import jwt_tokens, revocation


def _unauthorized(error: str) -> JsonResponse:
    response = JsonResponse({"error": error}, status=401)
    response["WWW-Authenticate"] = f'Bearer error="{error}"'
    return response


APP_SESSION_HEADER = "X-Session-Token"


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    # The view is exempt so that an app session needs no token; a cookie session is
    # checked here exactly as the middleware would have.
    def _no_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
        raise AssertionError

    check = CsrfViewMiddleware(_no_view)
    check.process_request(request)
    return check.process_view(request, _no_view, (), {})


def _app_session(token_value: str) -> Any | None:
    """The app session allauth headless gave out as ``X-Session-Token``, or None."""
    from allauth.headless import app_settings as headless_settings

    return headless_settings.TOKEN_STRATEGY.lookup_session(token_value)


def _issue(user: Any, session: Any) -> JsonResponse:
    holder = SimpleNamespace(session=session)
    value, claims = jwt_tokens.issue(
        user,
        login_strength.of(holder),
        session_id=revocation.session_token_id(session),
    )
    return JsonResponse(
        {
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": claims["exp"] - claims["iat"],
        }
    )


@csrf_exempt
@login_not_required
@never_cache
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    """A JWT for the logged-in session: a browser's (CSRF-protected) or an app's."""
    app_token = request.headers.get(APP_SESSION_HEADER)
    if app_token is None:
        refused = _csrf_refusal(request)
        if refused is not None:
            return refused
        if not request.user.is_authenticated:
            return _unauthorized("login_required")
        return _issue(request.user, request.session)
    return _app_token(request, app_token.strip())


def _app_token(request: HttpRequest, app_token: str) -> HttpResponse:
    session = _app_session(app_token) if app_token else None
    if session is None:
        return _unauthorized("invalid_token")
    # Django's own reading of a session's user (its auth hash included), on the app's
    # session instead of the cookie's; the request keeps its own session.
    user = get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    if not user.is_authenticated:
        return _unauthorized("login_required")
    if revocation.is_session_revoked(session, user.pk):
        # What the guard ``keymap.revoked_sessions`` does to a cookie session.
        session.flush()
        return _unauthorized("invalid_token")
    response = _issue(user, session)
    if session.modified:
        session.save()
    return response


@login_not_required
@never_cache
@require_GET
def users_me(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return _unauthorized("invalid_request")
    try:
        claims = jwt_tokens.verify(value.strip())
    except jwt_tokens.InvalidToken:
        return _unauthorized("invalid_token")
    try:
        user = get_user_model()._default_manager.filter(pk=claims["sub"], is_active=True).first()
    except (ValueError, TypeError):  # a sub that is no user ID of ours
        user = None
    if user is None:
        return _unauthorized("invalid_token")
    return JsonResponse(user_details(user, restricted=jwt_tokens.is_restricted(claims)))


def user_details(user: Any, *, restricted: bool) -> dict[str, Any]:
    """The seed's "get user details" shape: every attribute, ``null`` where unknown.

    ``restricted`` (a user-ID login's token): the profile is not even read.
    """
    from store.services.customers import get_customer

    attributes: dict[str, Any] = {}
    phone = None
    if not restricted:
        attributes, _partner_data = jwt_tokens.profile_claims(user)
        phone = get_customer(user).phone

    def personal(value: Any) -> Any:
        return None if restricted else (value or None)

    return {
        "birthday": personal(attributes.get("birthday")),
        "country": None,
        "devices": [],
        "email": personal(attributes.get("email")),
        "external_id": None,
        "first_name": personal(attributes.get("first_name")),
        "gender": personal(attributes.get("gender")),
        "groups": [{"id": g.pk, "is_default": False, "name": g.name} for g in user.groups.all()],
        "id": str(user.pk),
        "is_anonymous": False,
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "last_name": personal(attributes.get("last_name")),
        "nickname": personal(attributes.get("nickname")),
        "phone": personal(phone),
        "phone_auth": None,
        "registered": user.date_joined.isoformat() if getattr(user, "date_joined", None) else None,
        "tag": None,
        "username": personal(user.get_username()),
    }


@login_not_required
@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(jwt_tokens.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
