"""The page cache's storage: a generation number, page keys under it, and invalidation.

Every stored page is keyed under the generation current when its request started. Invalidation
increments the generation, so every page stored before it becomes unreachable at once (the old
entries expire with their timeout). A request reads the generation before its view reads the
database; a change bumps the generation after its commit. So a page rendered from data older
than a change is always stored under a generation older than the bump, and never served after.
"""

from __future__ import annotations

import hashlib
import time
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

GENERATION_KEY = "pagecache:generation"
PAGE_KEY_PREFIX = "pagecache:page:"
SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def _fresh_generation() -> int:
    # Microseconds: a generation created after the key was evicted or cleared is larger than any
    # earlier one, so pages stored under an old number can never become current again.
    return time.time_ns() // 1000


def page_cache_generation() -> int | None:
    """The current generation, created when missing; None when the cache keeps nothing."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def page_cache_invalidate() -> None:
    """Make every stored page stale: visitors get freshly rendered pages from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # missing (never created, evicted or cleared)
        if not cache.add(GENERATION_KEY, _fresh_generation(), timeout=None):
            cache.incr(GENERATION_KEY)


def page_cache_invalidate_on_commit() -> None:
    """Invalidate once the current transaction commits (at once outside a transaction).

    Robust: a cache outage is logged and never turns a saved change into an error page; what was
    stored then expires after PAGE_CACHE_SECONDS.
    """
    transaction.on_commit(page_cache_invalidate, robust=True)


def page_language(request: HttpRequest) -> str:
    """The interface language, by portal.middleware.ChosenLanguageMiddleware's rule."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE


def page_key(*, request: HttpRequest, generation: int) -> str:
    # Parameters sorted by name (values of one name keep their order): ?a=1&b=2 and ?b=2&a=1
    # are one page.
    query = sorted(
        parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True),
        key=lambda pair: pair[0],
    )
    parts = (
        str(generation),
        page_language(request),
        request.scheme,
        request.get_host(),
        request.path,
        repr(query),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}{digest}"


def page_fetch(*, key: str) -> tuple[list[tuple[str, str]], bytes] | None:
    """(headers, body) of a stored page, or None."""
    return cache.get(key)


def page_store(*, key: str, headers: list[tuple[str, str]], content: bytes) -> None:
    cache.set(key, (headers, content), timeout=settings.PAGE_CACHE_SECONDS)
