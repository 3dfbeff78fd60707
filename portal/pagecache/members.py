"""Members' pages kept per reader kind, with what is each reader's own filled in (issue #22).

A member's topic page or board page is, but for a few small parts, the page every member with
the same groups gets: board permissions come from groups, and the topic rules (forum.visibility)
set apart only the reader's own topics and the staff. So such a page is rendered once per kind
of reader and kept; what is the reader's own — the header's name and counts, their links, the
subscribe button, unread markers, CSRF tokens — is a hole (portal.page_holes), filled in
for each request. A member's request for a kept page costs their session, their user row, the
page's own side effects (a topic view counts and marks the topic read) and the holes.

Kinds of reader:

- visitors (with a session cookie; those without one get PublicPageCacheMiddleware's page);
- members, one kind per set of groups;
- each of these readers alone (``user:<id>``), whose pages are theirs only: superusers, staff
  accounts, moderators, department staff and heads, members given a board permission
  personally, and members with a topic others may not see (awaiting approval, a private
  complaint): what they are shown differs from their groups' page.

A page also names the members it involves (``page_involves``: the authors of the posts on it,
the topic's author, the case's member): for them it differs (edit links, the accept button, the
case's own actions), so an involved member is served a page kept for them alone, and a page
that depends on the reader throughout (a poll) is kept per reader.

A kept page is used only under the page cache's generation it was rendered under
(portal.pagecache.services: every change a page shows replaces it after its commit) and for
MEMBER_PAGE_CACHE_SECONDS at most; the kind's groups and roles are read under the permissions
version (forum.reader_facts), so a changed group or grant gives a new kind at once. Pages live
in each worker's memory (the ``member_pages`` cache, at most MEMBER_PAGE_CACHE_MAX_PAGES).

Only views listed in MEMBER_PAGE_CACHE_VIEWS take part; for them the holes are always filled
late, cache on or off, so the same code draws every page. Not kept: anything but a 200 HTML
answer to a GET that set no cookie, and any request with a notice waiting for the reader (the
page would show it once).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re

from forum.cases.services import headed_department_ids
from forum.reader_facts import reader_facts_keys, reader_facts_prefetched
from forum.reader_state import reader_state_keys, reader_state_prefetched
from forum.visibility import (
    has_personal_grants,
    is_moderator,
    own_hidden_topics_exist,
    reader_groups,
    staff_department_ids,
)
from portal.page_holes import (
    PLAN_ATTRIBUTE,
    PagePlan,
    hit_hook_for,
    holes_defer,
    holes_deferred,
    holes_fill,
)
from portal.pagecache import services

MEMBER_PAGES_CACHE_ALIAS = "member_pages"
MEMBER_PAGE_KEY_PREFIX = "memberpage:"
OWN_HIDDEN_KEY_PREFIX = "memberpage:own-hidden:"
MEMBER_PAGE_HEADER = "X-Member-Page"
OWN_HIDDEN_ATTRIBUTE = "_member_page_own_hidden"
_NOT_READ = object()
# Headers of the view's answer that are not kept with the page (set again for each reader).
_UNKEPT_HEADERS = frozenset({"set-cookie", "content-length", "vary", MEMBER_PAGE_HEADER.lower()})
_UNSHAREABLE = frozenset({"private", "no-store", "no-cache"})


def _own_hidden(user, generation: int | None) -> bool:
    """Has the reader a topic others may not see? Kept under the page generation (a topic's
    approval or visibility changing replaces it)."""
    key = f"{OWN_HIDDEN_KEY_PREFIX}{user.pk}"
    prefetched = getattr(user, OWN_HIDDEN_ATTRIBUTE, _NOT_READ)
    if generation is None:
        stored = None
    elif prefetched is not _NOT_READ:
        stored = prefetched
    else:
        stored = cache.get(key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    own = own_hidden_topics_exist(user=user)
    if generation is not None:
        cache.set(key, (generation, own), timeout=settings.MEMBER_PAGE_CACHE_SECONDS)
    return own


def reader_prefetch(request: HttpRequest) -> None:
    """Read in one round trip what a member's page asks the cache about its reader: their roles
    (forum.reader_facts), their board permissions (forum.permissions), their own state
    (forum.reader_state) and whether they wrote a hidden topic. Each is then taken from here."""
    user = request.user
    if not user.is_authenticated:
        return
    handler = request.forum_permission_handler
    own_hidden_key = f"{OWN_HIDDEN_KEY_PREFIX}{user.pk}"
    parts = [
        (reader_facts_keys(user), reader_facts_prefetched),
        (handler.permissions_keys(user), handler.permissions_prefetched),
        (reader_state_keys(user), reader_state_prefetched),
    ]
    found = cache.get_many([own_hidden_key, *(key for keys, _seed in parts for key in keys)])
    for keys, seed in parts:
        seed(user, {key: found[key] for key in keys if key in found})
    setattr(user, OWN_HIDDEN_ATTRIBUTE, found.get(own_hidden_key))


def reader_alone(user, generation: int | None) -> bool:
    """Is what this member is shown theirs alone, beyond what their groups give (module
    docstring)?"""
    return bool(
        user.is_superuser
        or user.is_staff
        or is_moderator(user)
        or staff_department_ids(user)
        or headed_department_ids(user)
        or has_personal_grants(user)
        or _own_hidden(user, generation)
    )


def reader_kind(request: HttpRequest, generation: int | None) -> tuple[str, bool]:
    """(the reader's kind, whether readers share it)."""
    user = request.user
    if not user.is_authenticated:
        return "visitor", True
    if reader_alone(user, generation):
        return f"user:{user.pk}", False
    return f"member:{reader_groups(user)}", True


def _page_id(request: HttpRequest) -> str:
    # The query as given (the page repeats it: the language switch's "next").
    parts = (
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(page: str, kind: str) -> str:
    return f"{MEMBER_PAGE_KEY_PREFIX}{page}:{hashlib.sha256(kind.encode()).hexdigest()[:32]}"


def _notice_waiting(request: HttpRequest) -> bool:
    if CookieStorage.cookie_name in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and SessionStorage.session_key in session


def _storable(response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    directives = {
        d.split("=", 1)[0].strip().lower()
        for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    return not directives & _UNSHAREABLE


class MemberPageCacheMiddleware:
    """Members' pages of MEMBER_PAGE_CACHE_VIEWS kept per reader kind, holes filled per reader.

    Placed last: its process_view runs once the view is known and the reader, the language and
    the board permission handler are set; what it serves still passes every other middleware's
    response step (the CSRF cookie, the session, security headers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        plan = getattr(request, PLAN_ATTRIBUTE, None)
        if plan is None or not holes_deferred(request) or response.streaming:
            return response
        if plan.served == "fresh" and plan.may_keep and request.method == "GET":
            self._keep(request, plan, response)
        response.content = holes_fill(request, response.content)
        response.headers[MEMBER_PAGE_HEADER] = plan.served
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in settings.MEMBER_PAGE_CACHE_VIEWS:
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        holes_defer(request)
        enabled = settings.MEMBER_PAGE_CACHE
        generation = services.page_cache_generation() if enabled else None
        may_keep = generation is not None and not _notice_waiting(request)
        if may_keep:
            reader_prefetch(request)
        kind, shared = reader_kind(request, generation) if may_keep else ("", False)
        plan = PagePlan(
            view_name=match.view_name,
            page=_page_id(request),
            kind=kind,
            shared=shared,
            generation=generation,
            may_keep=may_keep,
        )
        setattr(request, PLAN_ATTRIBUTE, plan)
        if not may_keep:
            return None
        return self._serve_kept(request, plan)

    def _candidates(self, request, plan) -> list[str]:
        keys = [_key(plan.page, plan.kind)]
        if plan.shared and request.user.is_authenticated:
            keys.append(_key(plan.page, f"user:{request.user.pk}"))
        return keys

    def _serve_kept(self, request, plan) -> HttpResponse | None:
        pages = caches[MEMBER_PAGES_CACHE_ALIAS]
        user_pk = request.user.pk
        for key in self._candidates(request, plan):
            stored = pages.get(key)
            if stored is None or stored["generation"] != plan.generation:
                continue
            if user_pk is not None and user_pk in stored["involved"] and stored["shared"]:
                continue  # kept for readers this page does not involve
            hook = hit_hook_for(plan.view_name)
            if hook is not None and not hook(request, stored["data"]):
                return None
            response = HttpResponse(stored["content"])
            for name, value in stored["headers"]:
                response.headers[name] = value
            plan.served = "hit"
            return response
        return None

    def _keep(self, request, plan, response) -> None:
        if not _storable(response):
            return
        user_pk = request.user.pk
        shared = plan.shared and plan.shareable and user_pk not in plan.involved
        kind = plan.kind if shared else f"user:{user_pk}"
        if not shared and user_pk is None:
            return  # a visitor's page that depends on the reader: nothing to key it by
        caches[MEMBER_PAGES_CACHE_ALIAS].set(
            _key(plan.page, kind),
            {
                "generation": plan.generation,
                "shared": shared,
                "involved": frozenset(plan.involved),
                "data": dict(plan.data),
                "headers": [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in _UNKEPT_HEADERS
                ],
                "content": response.content,
            },
            timeout=settings.MEMBER_PAGE_CACHE_SECONDS,
        )
        plan.served = "stored"
