from django import template

from portal.members.navigation import staff_links_for

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_links(context):
    """The staff work links the current user may follow, with what waits behind each."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return staff_links_for(user) if user is not None else []
