"""Tokens an app hands the shop through allauth headless's ``provider/token``.

A native app logs in with the provider's SDK and gives the shop what the SDK returned (an
access token, an OpenID Connect ID token). A token proves who the user is *to the app it
was issued to*; the shop accepts only tokens issued to one of its own clients for that
provider (``ProviderSettings.client_id`` and the ``ProviderClient`` rows: web, iOS,
Android, Kakao's native app key). Anything else is token substitution: an app that
collected its users' tokens could log in as them here.

What allauth checks, and what is added here:

- **Google** (allauth: signature, ``iss``, ``exp``, ``aud`` equal to the client ID the
  request names, ``jti`` once): the named client must be one of the store's (the
  adapter serves one app per accepted client ID), ``azp`` when present too, and the
  ``nonce`` when the token carries one.
- **Apple** (allauth: signature, ``iss``, ``exp``, ``aud`` in the comma-split client ID):
  ``aud`` in the store's set (Services ID and the apps' bundle IDs), the ``nonce`` when
  the token carries one.
- **Kakao** (allauth: no token login at all): :mod:`kakaosync.oidc` checks an access
  token's App ID and an ID token's signature, ``iss``, ``aud``, ``exp`` and ``nonce``.
- **Naver**: not accepted. Its API has no call that names the client a token was issued to
  (profile and token-deletion calls only), so a token cannot be told apart from another
  app's; an app logs in through the redirect flow instead.

Every refusal answers allauth headless's error (400, code ``invalid_token``, param
``token``) and is logged with its reason; tokens never reach the log.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import time
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import ProviderException
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .conf import configs_for

logger = logging.getLogger(__name__)

NONCE_KEY = "sociallogin:app_tokens:nonce:"
NONCE_LEEWAY = 60


class TokenRefused(Exception):
    """Not a token this store accepts; ``reason`` is for the log only."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def accepted_client_ids(request: HttpRequest | None, provider_id: str) -> tuple[str, ...]:
    config = configs_for(request).get(provider_id)
    return config.accepted_client_ids if config is not None else ()


def refusal(provider_id: str, reason: str) -> ValidationError:
    logger.warning("app token refused: provider=%s reason=%s", provider_id, reason)
    return get_adapter().validation_error("invalid_token")


def check_audience(request: HttpRequest | None, provider_id: str, claims: dict[str, Any]) -> None:
    """The ID token was issued to one of the store's clients of ``provider_id``."""
    accepted = set(accepted_client_ids(request, provider_id))
    aud = claims.get("aud")
    auds = [aud] if isinstance(aud, str) else list(aud) if isinstance(aud, list) else []
    if not auds or not all(isinstance(a, str) and a in accepted for a in auds):
        raise TokenRefused("ID token issued to a client that is not the store's (aud)")
    azp = claims.get("azp")
    if azp is not None and azp not in accepted:
        raise TokenRefused("ID token requested by a client that is not the store's (azp)")


def take_nonce(claims: dict[str, Any], nonce: Any, *, required: bool) -> None:
    """The ID token carries the nonce the app sent with it, and no login took it before.

    The app makes a fresh nonce per login, gives it to the provider's SDK and sends it
    beside the token (``token.nonce``): a token lifted from another login or replayed
    carries a nonce that was taken already. ``required``: a token without one is refused.
    """
    claimed = claims.get("nonce")
    if claimed is None and not required:
        if nonce:
            raise TokenRefused("a nonce was sent, the ID token carries none")
        return
    if not isinstance(nonce, str) or not nonce or len(nonce) > 256:
        raise TokenRefused("no nonce sent with the ID token")
    if not isinstance(claimed, str) or not hmac.compare_digest(claimed, nonce):
        raise TokenRefused("the ID token's nonce is not the one sent")
    digest = hashlib.sha256(f"{claims.get('iss')}|{claimed}".encode()).hexdigest()
    try:
        remaining = int(claims.get("exp") or 0) + NONCE_LEEWAY - int(time.time())
    except (TypeError, ValueError):
        remaining = 0
    try:
        taken = cache.add(NONCE_KEY + digest, 1, max(1, remaining))
    except Exception as exc:  # any cache backend's outage: no proof of first use, refused
        raise TokenRefused(f"nonce not recorded (cache: {type(exc).__name__})") from exc
    if not taken:
        raise TokenRefused("the ID token's nonce was used already")


def ensure_available(request: HttpRequest | None, provider_id: str) -> None:
    """The provider is on and offered to this request (age restriction, filters such as
    Kakao-only): checked before any call to the provider, as the login URL is."""
    from . import policy

    reason = policy.refusal_reason(request, provider_id)
    if reason is not None:
        logger.warning("app token refused: provider=%s reason=%s", provider_id, reason)
        raise ValidationError(
            _("This way of logging in is not available here."), code="provider_not_available"
        )


def checked_id_token_login(
    provider: Any, request: HttpRequest, token: dict[str, Any], login: Any
) -> Any:
    """allauth verified ``login``'s ID token; the store's audience set and nonce on top."""
    claims = login.account.extra_data or {}
    try:
        check_audience(request, provider.id, claims)
        take_nonce(claims, token.get("nonce"), required=False)
    except TokenRefused as exc:
        raise refusal(provider.id, exc.reason) from None
    return login


# --- Kakao -------------------------------------------------------------------------------


def kakao_supported() -> bool:
    # The store's App ID and Kakao's token checks live in ``kakaosync``.
    return apps.is_installed("kakaosync")


def verify_kakao(provider: Any, request: HttpRequest, token: dict[str, Any]) -> Any:
    """A login from what Kakao's SDK gave the app: an access token, an ID token, or both.

    The access token is what the web login's provider holds too (the profile of
    ``/v2/user/me``; Kakao Sync's terms and channel reads), so a Sync store needs it; an
    ID token alone logs in with the ID token's claims. Both given: both must be the same
    Kakao user's.
    """
    from allauth.socialaccount.models import SocialToken

    ensure_available(request, "kakao")
    if not kakao_supported():
        raise refusal("kakao", "kakaosync is not installed: no Kakao token checks")
    from kakaosync import client, oidc
    from kakaosync.conf import load_config, sync_active

    access_token, id_token = token.get("access_token"), token.get("id_token")
    if not access_token and sync_active() is not None:
        logger.warning("app token refused: provider=kakao reason=Kakao Sync needs the access token")
        raise ValidationError(
            _("Kakao Sync needs Kakao's access token: send it with the ID token."),
            code="access_token_required",
        )
    info = None
    try:
        claims = None
        if id_token:
            claims = oidc.verify_id_token(
                id_token,
                audiences=accepted_client_ids(request, "kakao"),
                nonce=token.get("nonce"),
            )
        if access_token:
            info = oidc.check_access_token(access_token, app_id=load_config().app_id)
            if claims is not None and claims["sub"] != str(info.user_id):
                raise oidc.TokenRefused("the ID token and the access token are of two users")
            data = oidc.user_me(access_token)
            if str(data.get("id")) != str(info.user_id):
                raise oidc.TokenRefused("Kakao's profile is of another user than the token")
        else:
            assert claims is not None  # allauth's input asks for one of the two
            data = oidc.profile_from_id_token(claims)
        login = provider.sociallogin_from_response(request, data)
    except oidc.TokenRefused as exc:
        raise refusal("kakao", exc.reason) from None
    except ProviderException as exc:
        raise refusal("kakao", f"Kakao's answer refused: {exc}") from None
    except client.KakaoError as exc:
        logger.warning("app token not checked: Kakao unavailable (%s)", exc)
        raise ValidationError(
            _("Kakao did not answer in time. Please try again in a moment."),
            code="provider_unavailable",
        ) from None
    if access_token and info is not None:
        login.token = SocialToken(
            app=provider.app,
            token=access_token,
            expires_at=timezone.now() + datetime.timedelta(seconds=info.expires_in),
        )
    return login
