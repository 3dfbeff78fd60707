"""The home page's forum sections, fetched by the template so that the page type in
``cms.models`` does not depend on the forum."""

from django import template

from cms.selectors import home_forum_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def home_forum(context):
    """``{% home_forum as forum %}``: ``forum.latest_topics`` (those the reader may see) and
    ``forum.complaints_url``."""
    return home_forum_sections(home=context["page"], request=context["request"])
