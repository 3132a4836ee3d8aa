"""Fixed-window attempt counters in the Django cache (shared across workers with Redis)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"keymap:rl:{scope}:{digest}"


def hit(scope: str, value: str, *, limit: int, period: int) -> bool:
    """Count one attempt; ``False`` once more than ``limit`` were made in ``period`` s."""
    key = _key(scope, value)
    cache.add(key, 0, period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, period)
        count = 1
    return count <= limit
