"""The origin map that sends every provider to one sandbox (no Django imports here)."""

from __future__ import annotations

# Real origins of each provider's endpoints (authorize, token, user, keys).
ORIGINS: dict[str, tuple[str, ...]] = {
    "kakao": ("https://kauth.kakao.com", "https://kapi.kakao.com"),
    "naver": ("https://nid.naver.com", "https://openapi.naver.com"),
    "google": (
        "https://accounts.google.com",
        "https://oauth2.googleapis.com",
        "https://www.googleapis.com",
    ),
    "facebook": ("https://www.facebook.com", "https://graph.facebook.com"),
    "apple": ("https://appleid.apple.com",),
    "line": ("https://access.line.me", "https://api.line.me"),
}


def endpoints_for(base_url: str) -> dict[str, dict[str, str]]:
    """``{provider: {real origin: base_url/provider}}`` for every provider."""
    base = base_url.rstrip("/")
    return {
        pid: {origin: f"{base}/{pid}" for origin in origins} for pid, origins in ORIGINS.items()
    }
