"""The token endpoint, the user-details API and the public keys (JSON only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from store import login_strength

from . import jwt_tokens, revocation


def _unauthorized(error: str) -> JsonResponse:
    response = JsonResponse({"error": error}, status=401)
    response["WWW-Authenticate"] = f'Bearer error="{error}"'
    return response


@never_cache
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """A JWT for the logged-in session (CSRF-protected: a session-cookie POST)."""
    if not request.user.is_authenticated:
        return _unauthorized("login_required")
    strength = login_strength.of(request)
    value, claims = jwt_tokens.issue(
        request.user,
        login_type=strength.login_type,
        restricted=strength.strength <= login_strength.Strength.USER_ID,
    )
    revocation.remember_issued(request.session, claims)
    return JsonResponse(
        {
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": claims["exp"] - claims["iat"],
        }
    )


@never_cache
@require_GET
def users_me(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return _unauthorized("invalid_request")
    try:
        claims = jwt_tokens.decode(value.strip())
    except jwt_tokens.InvalidToken:
        return _unauthorized("invalid_token")
    if revocation.is_token_revoked(claims):
        return _unauthorized("invalid_token")
    try:
        user = get_user_model()._default_manager.filter(pk=claims["sub"], is_active=True).first()
    except (ValueError, TypeError):  # a sub that is no user ID of ours
        user = None
    if user is None:
        return _unauthorized("invalid_token")
    return JsonResponse(user_details(user, restricted=bool(claims.get("restricted"))))


def user_details(user: Any, *, restricted: bool) -> dict[str, Any]:
    """The seed's "get user details" shape: every attribute, ``null`` where unknown."""
    attributes, _partner_data = jwt_tokens.profile_claims(user)
    from store.services.customers import get_customer

    customer = get_customer(user)

    def personal(value: Any) -> Any:
        return None if restricted else (value or None)

    return {
        "birthday": personal(attributes["birthday"]),
        "country": None,
        "devices": [],
        "email": personal(attributes["email"]),
        "external_id": None,
        "first_name": personal(attributes["first_name"]),
        "gender": personal(attributes["gender"]),
        "groups": [{"id": g.pk, "is_default": False, "name": g.name} for g in user.groups.all()],
        "id": str(user.pk),
        "is_anonymous": False,
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "last_name": personal(attributes["last_name"]),
        "nickname": personal(attributes["nickname"]),
        "phone": personal(customer.phone),
        "phone_auth": None,
        "registered": user.date_joined.isoformat() if getattr(user, "date_joined", None) else None,
        "tag": None,
        "username": personal(user.get_username()),
    }


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(jwt_tokens.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
