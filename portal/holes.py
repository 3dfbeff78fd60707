"""The site header's account links as a hole (portal.page_holes): the reader's name, their
unread notifications, their work links, the log-out form with their CSRF token."""

from django.contrib.auth.models import AnonymousUser
from django.template.context_processors import csrf
from django.template.loader import get_template

from portal.page_holes import hole_renderer

ACCOUNT_TEMPLATE = "partials/holes/account.html"


def reader_context(request) -> dict:
    """What a hole's template may use: the request, the reader and their CSRF token (read only
    when a form asks for it, as Django's own context does: a visitor's page sets no cookie)."""
    user = getattr(request, "user", None) or AnonymousUser()
    context = {"request": request, "user": user}
    if request is not None:
        context.update(csrf(request))
    return context


@hole_renderer("account")
def account_hole(request, args: list[str]) -> dict[str, str]:
    html = get_template(ACCOUNT_TEMPLATE).render(reader_context(request))
    return dict.fromkeys(args, html)
