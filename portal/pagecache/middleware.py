"""Serve visitors' public pages from the cache, before sessions, auth and machina run."""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re

from portal.pagecache import services

CACHE_HEADER = "X-Page-Cache"
CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
# Cache-Control directives that mean "not for anyone else" or "ask again every time".
UNSHAREABLE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})
# The response headers the store rules read (Django's response headers ignore the case).
SET_COOKIE, CACHE_CONTROL, VARY = "Set-Cookie", "Cache-Control", "Vary"


@functools.cache
def _excluded(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


def _path_excluded(path: str) -> bool:
    patterns = tuple(settings.PAGE_CACHE_EXCLUDE)
    return bool(patterns) and _excluded(patterns).match(path) is not None


def _request_cacheable(request: HttpRequest) -> bool:
    """A visitor's plain read of a page that is the same for every visitor."""
    if request.method not in CACHEABLE_METHODS:
        return False
    cookies = request.COOKIES
    # A session may hold a login; a messages cookie is a notice for this reader only.
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return not _path_excluded(request.path_info)


def _response_storable(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header(SET_COOKIE):
        return False
    directives = {
        d.split("=", 1)[0].strip().lower()
        for d in cc_delim_re.split(response.get(CACHE_CONTROL, ""))
    }
    if directives & UNSHAREABLE_DIRECTIVES:
        return False
    # The key covers the cookies that matter (language; no session); anything else a response
    # varies on (Accept-Encoding after compression, User-Agent, "*") is not in the key.
    varies = {v.strip().lower() for v in cc_delim_re.split(response.get(VARY, "")) if v.strip()}
    if varies - {"cookie"}:
        return False
    # Checked after the views ran: a view that logged someone in, or any user at all, means the
    # page may be personal.
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


class PublicPageCacheMiddleware:
    """Whole pages for visitors (no session cookie), keyed by language, host, path and query.

    Placed right after WhiteNoise and before SessionMiddleware, so a hit runs no session, auth
    or permission code and no SQL (and, pages being in local memory, usually no network).
    Stored: 200 responses to a GET by an anonymous user that set no cookie and are not marked
    private. See portal.pagecache.services for invalidation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PAGE_CACHE or not _request_cacheable(request):
            return self.get_response(request)
        key = services.page_key(request=request)
        generation, stored = services.page_fetch(key=key)
        if generation is None:
            return self.get_response(request)
        if stored is not None:
            headers, content = stored
            response = HttpResponse(content)
            for name, value in headers:
                response.headers[name] = value
            response.headers[CACHE_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _response_storable(request, response):
            services.page_store(
                key=key,
                generation=generation,
                headers=list(response.items()),
                content=response.content,
            )
        response.headers[CACHE_HEADER] = "miss"
        return response
