"""The token endpoint, the user-details API and the public keys (JSON only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from store import login_strength

from . import jwt_tokens, revocation


def _unauthorized(error: str) -> JsonResponse:
    response = JsonResponse({"error": error}, status=401)
    response["WWW-Authenticate"] = f'Bearer error="{error}"'
    return response


@login_not_required
@never_cache
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """A JWT for the logged-in session (CSRF-protected: a session-cookie POST)."""
    if not request.user.is_authenticated:
        return _unauthorized("login_required")
    value, claims = jwt_tokens.issue(
        request.user,
        login_strength.of(request),
        session_id=revocation.session_token_id(request.session),
    )
    return JsonResponse(
        {
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": claims["exp"] - claims["iat"],
        }
    )


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
