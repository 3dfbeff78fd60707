"""Holes: the parts of a shared page that belong to its reader, filled in on every request.

A member's page is the same for every reader of the same kind (portal.pagecache.members keeps
such pages) except for a few small parts: the header's name, counts and work links, the forum's
own links, a topic's subscribe button, the unread markers of a topic list, and every form's CSRF
token. Such a part is written in a template as a hole, ``{% hole "name" arg %}``, and drawn by
one function, registered here under its name, from the request alone (the reader, the language)
and the hole's argument.

On a page the member page cache handles, the hole is written as a marker and the whole page
(with its markers) is what may be kept for other readers; the markers are then replaced for
this reader by ``holes_fill``, the CSRF token likewise (``csrf_marker()`` stands in the template
context for the real token). Everywhere else the tag draws the part at once. Either way the
part is drawn by the same function from the same request, so a page served from a kept copy is
the page a fresh render gives its reader.

A marker carries a secret derived from SECRET_KEY, so text a member writes into a post can never
be taken for a marker. An argument holds only letters, digits and ``._,-``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token

# name -> function(request, args) -> {arg: html}, args without repeats, in page order.
HoleRenderer = Callable[[HttpRequest | None, list[str]], dict[str, str]]
_RENDERERS: dict[str, HoleRenderer] = {}
_ARG_RE = re.compile(r"^[A-Za-z0-9._,-]*$")
_NAME_RE = re.compile(r"^[a-z_]+$")
DEFERRED_ATTRIBUTE = "_page_holes_deferred"
PLAN_ATTRIBUTE = "_member_page_plan"


def hole_renderer(name: str):
    """Register the function that draws the hole ``name`` (a decorator)."""
    if not _NAME_RE.match(name):
        raise ValueError(f"A hole's name is lowercase letters and underscores: {name!r}")

    def register(func: HoleRenderer) -> HoleRenderer:
        _RENDERERS[name] = func
        return func

    return register


@functools.lru_cache(maxsize=4)
def _secret_for(secret_key: str) -> str:
    return hashlib.sha256(f"kehuhui-page-holes:{secret_key}".encode()).hexdigest()[:24]


def _secret() -> str:
    return _secret_for(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _marker_re(secret: str) -> re.Pattern[bytes]:
    return re.compile(rb"<!--hole:" + secret.encode() + rb":([a-z_]+):([A-Za-z0-9._,-]*)-->")


def csrf_marker() -> str:
    """What stands for the CSRF token in a page whose holes are filled later (letters and digits
    only, so the template writes it unchanged)."""
    return f"csrftokenhole{_secret()}"


def hole_marker(name: str, arg: str = "") -> str:
    arg = str(arg)
    if name not in _RENDERERS:
        raise KeyError(f"No hole is registered as {name!r}")
    if not _ARG_RE.match(arg):
        raise ValueError(f"A hole's argument is letters, digits and ._,- only: {arg!r}")
    return f"<!--hole:{_secret()}:{name}:{arg}-->"


def holes_deferred(request: HttpRequest | None) -> bool:
    """Are this request's holes written as markers (to be filled by holes_fill)?"""
    return bool(request is not None and getattr(request, DEFERRED_ATTRIBUTE, False))


def holes_defer(request: HttpRequest) -> None:
    setattr(request, DEFERRED_ATTRIBUTE, True)


def hole_render(request: HttpRequest | None, name: str, arg: str = "") -> str:
    """The hole drawn now, for this request (what its marker is replaced by)."""
    arg = str(arg)
    return _RENDERERS[name](request, [arg])[arg]


def hole_or_marker(request: HttpRequest | None, name: str, arg: str = "") -> str:
    if holes_deferred(request):
        return hole_marker(name, arg)
    return hole_render(request, name, arg)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def holes_fill(request: HttpRequest, content: bytes) -> bytes:
    """The page with every marker replaced for this request's reader (one call per hole name)."""
    secret = _secret()
    if secret.encode() not in content:
        return content
    pattern = _marker_re(secret)
    wanted: dict[str, list[str]] = {}
    for match in pattern.finditer(content):
        wanted.setdefault(match[1].decode(), []).append(match[2].decode())
    drawn = {
        name: {arg: html.encode() for arg, html in _RENDERERS[name](request, _unique(args)).items()}
        for name, args in wanted.items()
    }
    content = pattern.sub(lambda match: drawn[match[1].decode()][match[2].decode()], content)
    marker = csrf_marker().encode()
    if marker in content:
        content = content.replace(marker, get_token(request).encode())
    return content


# --- What a page tells the member page cache (portal.pagecache.members) ---------------------

HitHook = Callable[[HttpRequest, dict], bool]
_HIT_HOOKS: dict[str, HitHook] = {}


def page_hit_hook(view_name: str):
    """Register what a view does besides its page, to be done when the page is served kept
    (``func(request, data) -> bool``, ``data`` as given to ``page_involves``; False serves
    the page afresh instead, e.g. when its object is gone)."""

    def register(func: HitHook) -> HitHook:
        _HIT_HOOKS[view_name] = func
        return func

    return register


@dataclass
class PagePlan:
    """What the member page cache knows of a request for a page it handles."""

    view_name: str
    page: str
    kind: str
    shared: bool
    generation: int | None
    may_keep: bool
    involved: set[int] = field(default_factory=set)
    shareable: bool = True
    data: dict = field(default_factory=dict)
    served: str = "fresh"  # "fresh", "stored" (rendered and kept) or "hit" (served kept)


def page_involves(
    request: HttpRequest, *, user_ids=(), shareable: bool = True, keep: bool = True, **data
) -> None:
    """Called by a view taking part (or a tag on its page): the members its page differs for
    (``user_ids``), whether it may be kept for a kind at all (``shareable``; if not, it is kept
    for its reader alone), whether this reader's page may be kept at all (``keep``: not when it
    shows something of theirs that changes without the generation changing), and what its hit
    hook needs (``data``)."""
    plan = getattr(request, PLAN_ATTRIBUTE, None)
    if plan is None:
        return
    plan.involved.update(pk for pk in user_ids if pk is not None)
    plan.shareable = plan.shareable and shareable
    plan.may_keep = plan.may_keep and keep
    plan.data.update(data)


def hit_hook_for(view_name: str) -> HitHook | None:
    return _HIT_HOOKS.get(view_name)
