from django import template

from portal.activities.selectors import signup_state

register = template.Library()


@register.simple_tag(takes_context=True)
def activity_signup_state(context, activity):
    """The reader's state on an activity page (signed up, waiting N, full, not eligible …)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    return signup_state(activity=activity, member=user)
