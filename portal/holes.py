"""The site header's account links as a hole (portal.page_holes): the reader's name, their
unread notifications, their work links, the log-out form with their CSRF token.

A hole is drawn on every member's page, kept or not, and rendering its template was a fifth of a
kept page's time. What a hole's template shows follows from a few values (the reader's name and
flags, their unread count, their work links, the language), so its HTML is kept in the worker's
memory under exactly those values (``hole_render_kept``) and rendered only when one changes. The
CSRF token is never part of it: the template writes a stand-in, replaced by the reader's own
token each time.
"""

import threading

from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import get_token
from django.template.context_processors import csrf
from django.template.loader import get_template
from django.utils import translation

from portal.page_holes import csrf_marker, hole_renderer

ACCOUNT_TEMPLATE = "partials/holes/account.html"
# Rendered holes kept per worker (each a kilobyte or two), emptied when full.
RENDERED_HOLES_MAX = 5000
_rendered: dict[tuple, str] = {}
_rendered_lock = threading.Lock()


def reader_context(request) -> dict:
    """What a hole's template may use: the request, the reader and their CSRF token (read only
    when a form asks for it, as Django's own context does: a visitor's page sets no cookie)."""
    user = getattr(request, "user", None) or AnonymousUser()
    context = {"request": request, "user": user}
    if request is not None:
        context.update(csrf(request))
    return context


def hole_render_kept(request, template_name: str, inputs: tuple, values: dict | None = None) -> str:
    """The hole's template rendered for this request (with ``values`` besides the reader's
    context), kept under ``inputs``: every value the template's output follows besides the
    language and the CSRF token (the caller's promise)."""
    key = (template_name, translation.get_language(), inputs)
    html = _rendered.get(key)
    if html is None:
        context = reader_context(request) | (values or {})
        context["csrf_token"] = csrf_marker()
        html = get_template(template_name).render(context)
        with _rendered_lock:
            if len(_rendered) >= RENDERED_HOLES_MAX:
                _rendered.clear()
            _rendered[key] = html
    marker = csrf_marker()
    if request is not None and marker in html:
        html = html.replace(marker, get_token(request))
    return html


def _account_inputs(request) -> tuple:
    from forum.boards.notifications import unread_count
    from portal.members.navigation import staff_links_for

    user = getattr(request, "user", None) or AnonymousUser()
    if not user.is_authenticated:
        return (None, request.get_full_path() if request is not None else "")
    links = tuple(
        (link["key"], str(link["label"]), link["url"], link["waiting"])
        for link in staff_links_for(user)
    )
    return (user.pk, user.public_name, user.is_superuser, unread_count(user=user), links)


@hole_renderer("account")
def account_hole(request, args: list[str]) -> dict[str, str]:
    html = hole_render_kept(request, ACCOUNT_TEMPLATE, _account_inputs(request))
    return dict.fromkeys(args, html)
