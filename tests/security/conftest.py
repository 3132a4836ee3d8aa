"""The social-login fixtures, for the tests that attack its proof of ownership."""

from tests.sociallogin.conftest import enable_provider, kakao, mocked

__all__ = ["enable_provider", "kakao", "mocked"]
