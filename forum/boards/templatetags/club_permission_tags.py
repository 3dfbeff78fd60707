"""machina's ``get_permission`` tag, without listing the handler's members on every call.

machina's tag checks the method name against ``inspect.getmembers(handler)`` each time it runs,
about 0.3 ms a call; a topic page rendered afresh calls it twice per post (edit, delete) and
more in its header and actions: its CPU went from 81 to 65 ms at 1M posts without that listing
(docs/benchmarks.md). Same contract: only public methods of the request's permission handler
may be called. The theme's templates load it (``{% load club_permission_tags %}``); machina's
own templates that the theme does not override keep machina's tag.
"""

import inspect

from django import template
from machina.core.loading import get_class

PermissionHandler = get_class("forum_permission.handler", "PermissionHandler")

register = template.Library()


@register.simple_tag(takes_context=True)
def get_permission(context, method, *args, **kwargs):
    """``{% get_permission 'can_access_moderation_panel' request.user as var %}``"""
    request = context.get("request", None)
    handler = request.forum_permission_handler if request else PermissionHandler()
    bound = getattr(handler, method, None) if not method.startswith("_") else None
    if not inspect.ismethod(bound):
        raise template.TemplateSyntaxError(
            f"{method!r} is not a public method of the forum permission handler"
        )
    return bound(*args, **kwargs)
