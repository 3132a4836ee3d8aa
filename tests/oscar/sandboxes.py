"""The one place the Oscar leg starts the Kakao sandbox (its module path may move)."""

from __future__ import annotations

from typing import Any


def start_kakao_sandbox() -> Any:
    """Kakao's hosts on loopback, with the sandbox's default app (its keys are in
    host_project/store.json); ``shutdown()`` and ``server_close()`` stop it."""
    from devtools.sandboxes.kakao import SandboxConfig, start_in_thread

    return start_in_thread(SandboxConfig())
