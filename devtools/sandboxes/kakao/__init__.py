"""A Kakao-compatible server for development and tests: ``python -m devtools.sandboxes.kakao``."""

from .server import KakaoSandboxServer, send_webhook, start_in_thread
from .state import KakaoPerson, SandboxConfig

__all__ = ["KakaoPerson", "KakaoSandboxServer", "SandboxConfig", "send_webhook", "start_in_thread"]
