"""The page cache's storage: pages in each process's memory, one shared generation number.

A page is stored with the generation current when its request started, and served only while
that is still the current generation. Invalidation increments the generation, so every stored
page becomes stale at once. A request reads the generation before its view reads the database;
a change bumps the generation after its commit. So a page rendered from data older than a change
always carries a generation older than the bump, and is never served after it.

The generation lives in the default cache: with REDIS_URL one number for every worker, command
and task process. Each process re-reads it at most every PAGE_CACHE_CHECK_SECONDS (default 1)
and learns its own bumps at once, so a change made in one worker reaches visitors of the others
within that time. Pages live in the `pages` cache alias, local memory in each worker (at most
PAGE_CACHE_MAX_PAGES; a newer render of a page replaces the older one). A hit therefore touches
no network at all. Measured on the 2-core machine with gunicorn and wrk: pages and generation
in Redis, hits reached about 0.5 of the bare view's throughput; one small Redis read a request,
0.5 to 0.7; no Redis read, more than the bare view (which runs sessions and auth).
"""

from __future__ import annotations

import hashlib
import time
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest

GENERATION_KEY = "pagecache:generation"
PAGES_CACHE_ALIAS = "pages"
PAGE_KEY_PREFIX = "pagecache:page:"
SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def _fresh_generation() -> int:
    # Microseconds: a generation created after the key was evicted or cleared is larger than any
    # earlier one, so pages stored under an old number can never become current again.
    return time.time_ns() // 1000


# This process's copy of the generation and when it was read (time.monotonic()).
_known: tuple[int | None, float] = (None, 0.0)


def _remember(generation: int | None) -> int | None:
    global _known
    _known = (generation, time.monotonic())
    return generation


def page_cache_generation() -> int | None:
    """The current generation (at most PAGE_CACHE_CHECK_SECONDS old), created when missing.

    None when the cache keeps nothing (a dummy cache): then no page is stored.
    """
    generation, read_at = _known
    if generation is not None and time.monotonic() - read_at < settings.PAGE_CACHE_CHECK_SECONDS:
        return generation
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return _remember(generation)


def page_cache_invalidate() -> None:
    """Make every stored page stale: visitors get freshly rendered pages from now on."""
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:  # missing (never created, evicted or cleared)
        generation = _fresh_generation()
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.incr(GENERATION_KEY)  # another process created it meanwhile
    _remember(generation)


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


def page_key(*, request: HttpRequest) -> str:
    # Parameters sorted by name (values of one name keep their order): ?a=1&b=2 and ?b=2&a=1
    # are one page.
    query = sorted(
        parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True),
        key=lambda pair: pair[0],
    )
    parts = (
        page_language(request),
        request.scheme,
        request.get_host(),
        request.path,
        repr(query),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}{digest}"


def page_fetch(*, key: str) -> tuple[int | None, tuple[list[tuple[str, str]], bytes] | None]:
    """(the current generation, (headers, body) of the page if stored under it).

    The generation is None when the cache keeps nothing (then nothing is stored either).
    """
    generation = page_cache_generation()
    if generation is None:
        return None, None
    stored = caches[PAGES_CACHE_ALIAS].get(key)
    if stored is None or stored[0] != generation:
        return generation, None
    return generation, stored[1:]


def page_store(
    *, key: str, generation: int, headers: list[tuple[str, str]], content: bytes
) -> None:
    caches[PAGES_CACHE_ALIAS].set(
        key, (generation, headers, content), timeout=settings.PAGE_CACHE_SECONDS
    )
