"""Fixed-window rate limits in the shared cache (Redis in production), for pages that anyone
can call and that must not be enumerated or flooded: the member card check, check-in lookups,
visitors' survey answers.

``rate_limit_exceeded(key=..., limit=30, window=60)`` counts one call for ``key`` and says
whether it went over ``limit`` calls in the current ``window`` seconds. The count is an atomic
``add`` then ``incr``, so simultaneous requests cannot all slip under the limit.
"""

from django.core.cache import cache


def client_ip(request) -> str:
    """The caller's address as the site sees it (behind a proxy, set it to pass REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_exceeded(*, key: str, limit: int, window: int) -> bool:
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this call starts a new window
        cache.add(cache_key, 1, timeout=window)
        count = 1
    return count > limit
