from django import template

from forum.insight.selectors import improvements_for_topic

register = template.Library()


@register.inclusion_tag("insight/topic_improvements.html")
def topic_improvements(topic):
    """On a topic page: the improvement items that adopted or implemented this feedback."""
    return {"items": improvements_for_topic(topic=topic)}
