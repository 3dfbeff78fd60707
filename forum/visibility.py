"""Who may see which topic: the one place that answers it for listings, pages, search and feeds.

A topic is visible when its board is readable (machina's permissions) and the topic-level rules
below allow it: unapproved topics only to their author and moderators; staff-only topics
(private complaints) only to their author, moderators and the staff of the department the
topic's case is routed to. A post is visible when its topic is and it is approved, or the reader
wrote it or moderates (an unapproved post waits in the moderation queue, unseen by others).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.models import Topic

from forum.boards.services import MODERATORS_GROUP
from forum.reader_facts import reader_fact


def is_moderator(user) -> bool:
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_forum_moderator"):
        user._is_forum_moderator = user.is_superuser or reader_fact(
            user, "moderator", lambda: user.groups.filter(name=MODERATORS_GROUP).exists()
        )
    return user._is_forum_moderator


def staff_department_ids(user) -> frozenset[int]:
    """The departments whose staff group the user belongs to."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_staff_department_ids"):
        from forum.cases.models import Department

        user._staff_department_ids = reader_fact(
            user,
            "staff_departments",
            lambda: frozenset(
                Department.objects.filter(staff_group__user=user).values_list("pk", flat=True)
            ),
        )
    return user._staff_department_ids


def reader_groups(user) -> str:
    """The reader's groups as one string (their board permissions come from groups): kept."""
    return reader_fact(
        user, "groups", lambda: ",".join(str(pk) for pk in sorted(g.pk for g in user.groups.all()))
    )


def has_personal_grants(user) -> bool:
    """Was the reader given a board permission personally (not through a group)? Kept."""
    from machina.apps.forum_permission.models import UserForumPermission

    return reader_fact(
        user, "personal_grants", lambda: UserForumPermission.objects.filter(user=user).exists()
    )


def topic_visibility_q(*, user, prefix: str = "") -> Q:
    """Topic-level rules as a Q over Topic; ``prefix`` (e.g. "topic__") applies it to Post."""
    if is_moderator(user):
        return Q()
    staff_only = _staff_only_q(prefix)
    if not user.is_authenticated:
        return Q(**{f"{prefix}approved": True}) & ~staff_only
    own = Q(**{f"{prefix}poster": user})
    allowed = ~staff_only | own
    departments = staff_department_ids(user)
    if departments:
        allowed |= Q(**{f"{prefix}case__department__in": departments})
    return (Q(**{f"{prefix}approved": True}) | own) & allowed


def _staff_only_q(prefix: str) -> Q:
    """The topic is staff-only, as EXISTS: negated it is an anti-join that PostgreSQL estimates
    well. (Through the LEFT JOIN, NOT (staff_only AND staff_only IS NOT NULL) was estimated at
    one row of 66,000, and the home page's latest topics took 1.7 s at 100k topics.)"""
    from forum.boards.models import TopicVisibility

    topic = OuterRef(f"{prefix[:-2]}_id" if prefix else "pk")
    return Q(Exists(TopicVisibility.objects.filter(topic_id=topic, staff_only=True)))


def readable_forum_ids(*, user, permission_handler) -> list[int]:
    # The club's handler answers from what it already holds for the request (no query); a
    # plain machina handler filters the board table.
    if hasattr(permission_handler, "get_readable_forum_ids"):
        return sorted(permission_handler.get_readable_forum_ids(user))
    forums = permission_handler.get_readable_forums(Forum.objects.all(), user)
    return [forum.pk for forum in forums]


def own_hidden_topics_exist(*, user) -> bool:
    """Did the user write a topic that others may not see (unapproved or staff-only)?"""
    if not user.is_authenticated:
        return False
    return (
        Topic.objects.filter(poster=user)
        .filter(Q(approved=False) | _staff_only_q(""))
        .order_by()
        .exists()
    )


def visible_topics(*, user, permission_handler) -> QuerySet[Topic]:
    return Topic.objects.filter(
        topic_visibility_q(user=user),
        forum_id__in=readable_forum_ids(user=user, permission_handler=permission_handler),
    )


def can_see_topic(*, user, topic: Topic, permission_handler) -> bool:
    if not permission_handler.can_read_forum(topic.forum, user):
        return False
    return Topic.objects.filter(topic_visibility_q(user=user), pk=topic.pk).exists()


def post_visibility_q(*, user, prefix: str = "") -> Q:
    """The post-level rule as a Q over Post (its topic's rules included)."""
    topic_rule = topic_visibility_q(user=user, prefix=f"{prefix}topic__")
    if is_moderator(user):
        return topic_rule
    approved = Q(**{f"{prefix}approved": True})
    if user.is_authenticated:
        approved |= Q(**{f"{prefix}poster": user})
    return topic_rule & approved


def can_see_post(*, user, post, permission_handler) -> bool:
    """May the reader see this post: its board, its topic and its approval (or authorship)."""
    own = user.is_authenticated and post.poster_id == user.pk
    if not (post.approved or own or is_moderator(user)):
        return False
    return permission_handler.can_read_forum(
        post.topic.forum, user
    ) and permission_handler.can_see_topic(post.topic, user)
