"""The providers the store admin can switch on: one module each, and this list.

Each module holds everything that differs for its provider: its catalogue entry
(``INFO``: labels, credentials, button colours, real origins), its provider class
(allauth's own plus ``base.ShopProviderMixin``, with the checks of its answer and which
emails to trust) and the reader of its profile (``INFO.read_profile``). The order of
``MODULES`` is the catalogue's order (the admin page, and login buttons at equal positions).
"""

from __future__ import annotations

from . import apple, facebook, google, kakao, line, naver
from .apple import AppleProvider
from .base import ProviderInfo, ShopProviderMixin
from .facebook import FacebookProvider
from .google import GoogleProvider
from .kakao import KakaoProvider
from .line import LineProvider
from .naver import NaverProvider

MODULES = (
    kakao,
    naver,
    google,
    facebook,
    apple,
    line,
)

PROVIDERS: dict[str, ProviderInfo] = {m.INFO.id: m.INFO for m in MODULES}

__all__ = [
    "MODULES",
    "PROVIDERS",
    "AppleProvider",
    "FacebookProvider",
    "GoogleProvider",
    "KakaoProvider",
    "LineProvider",
    "NaverProvider",
    "ProviderInfo",
    "ShopProviderMixin",
]
