"""Point allauth's Kakao provider at the Kakao sandbox.

allauth keeps Kakao's three URLs as class attributes of its OAuth2 adapter; replacing them
is the only change made to allauth out of the box, so its whole login path is measured.
"""

from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter
from django.conf import settings


def use_sandbox() -> None:
    base = str(getattr(settings, "KAKAO_SANDBOX_URL", "")).rstrip("/")
    if not base:
        return
    KakaoOAuth2Adapter.access_token_url = f"{base}/oauth/token"
    KakaoOAuth2Adapter.authorize_url = f"{base}/oauth/authorize"
    KakaoOAuth2Adapter.profile_url = f"{base}/v2/user/me"
