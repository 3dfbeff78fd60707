"""``{% hole "name" arg %}``: a part of the page that is its reader's (portal.page_holes)."""

from django import template
from django.utils.safestring import mark_safe

from portal.page_holes import hole_or_marker

register = template.Library()


@register.simple_tag(takes_context=True)
def hole(context, name, arg=""):
    return mark_safe(hole_or_marker(context.get("request"), name, arg))
