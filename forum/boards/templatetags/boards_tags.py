"""Badges beside members' names and the header's unread-notifications count.

``{% member_badges user %}`` reads the user's groups (prefetch ``groups__housing_project`` and
``groups__department`` on lists, and ``member_profile__level``) and the member's level.
"""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from forum.boards.notifications import unread_count
from forum.boards.services import MODERATORS_GROUP
from forum.visibility import is_moderator
from portal.members.selectors import member_level_for

register = template.Library()


def badges_for(user) -> list[dict]:
    if user is None or not getattr(user, "pk", None):
        return []
    badges = []
    for group in user.groups.all():
        if group.name == MODERATORS_GROUP:
            badges.append({"kind": "moderator", "label": _("Moderator")})
            continue
        try:
            project = group.housing_project
        except ObjectDoesNotExist:
            project = None
        if project is not None:
            badges.append(
                {
                    "kind": "owner",
                    "label": _("%(project)s owner") % {"project": project.name},
                }
            )
            continue
        try:
            department = group.department
        except ObjectDoesNotExist:
            department = None
        if department is not None:
            badges.append({"kind": "staff", "label": department.name})
    # Staff speak for the club, not as members: no member level beside a staff badge.
    if not any(badge["kind"] in ("moderator", "staff") for badge in badges):
        level = member_level_for(user)
        if level is not None:
            badges.insert(0, {"kind": "level", "label": str(level)})
    return badges


@register.inclusion_tag("boards/member_badges.html")
def member_badges(user):
    return {"badges": badges_for(user)}


@register.simple_tag(takes_context=True)
def unread_notifications_count(context) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return unread_count(user=request.user)


@register.filter
def is_forum_moderator(user) -> bool:
    return is_moderator(user)


@register.simple_tag
def elided_page_range(page_obj):
    """The page numbers to link: the first, the last and two either side of the current one,
    with Paginator.ELLIPSIS between. machina's own pagination looped over every page (4,000
    at 85,000 topics in a board), which made a board page 144 KB of mostly blank lines."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def attachment_size(attachment) -> int | None:
    """The attachment's size in bytes, or None when its file is missing from storage (a topic
    page answered 500 for it: issue 13, finding 8)."""
    try:
        return attachment.file.size
    except (OSError, ValueError):
        return None


@register.simple_tag(takes_context=True)
def topic_rows(context, topics, unread_topics, force_all_unread=False):
    """A topic list's rows, each kept between requests (forum.boards.topic_rows)."""
    from forum.boards.topic_rows import topic_rows_render

    return topic_rows_render(
        topics=topics,
        unread_topics=unread_topics,
        force_all_unread=force_all_unread,
        request=context.get("request"),
    )
