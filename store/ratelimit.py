"""Fixed-window attempt counters on the Django cache, shared by every limit of every app.

With a shared cache (Redis) the count holds across workers and processes; the increment
is atomic, so parallel requests cannot all read the same count and all pass.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    # Hashed: the value may be an address, an e-mail or a login, not for the cache's eyes.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def count(scope: str, value: str, *, period: int) -> int:
    """Count one attempt; how many ``value`` made in ``scope`` in this window, this one too.

    The window opens with the first attempt and lasts ``period`` seconds.
    """
    key = _key(scope, value)
    for _retry in range(3):
        cache.add(key, 0, period)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired or evicted between add and incr
            continue
    return 1


def hit(scope: str, value: str, *, limit: int, period: int) -> bool:
    """Count one attempt; ``False`` once more than ``limit`` were made in ``period`` s."""
    return count(scope, value, period=period) <= limit
