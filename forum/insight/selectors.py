"""Reads of the insight area."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from machina.apps.forum_conversation.models import Post, Topic

from forum.insight.models import ImprovementItem, InsightRun, RecurringIssue
from forum.insight.permissions import headed_department_ids, user_department_ids
from forum.visibility import is_moderator, post_visibility_q, readable_forum_ids

# Large per-issue lists the report does not show.
ISSUE_LISTS = ("post_ids", "topic_ids", "case_ids", "monthly_counts")


def current_run() -> InsightRun | None:
    return InsightRun.objects.filter(finished_at__isnull=False).order_by("-window_end").first()


def recurring_issues_for(
    *, user, department=None, project=None, limit: int = 10, run: InsightRun | None = None
) -> list[RecurringIssue]:
    """The run's issues a report reader may see: moderators all, heads their own.

    ``run``: the current run when not given. The issues come without their lists of posts,
    topics and cases and the monthly counts (hundreds of ids for a large issue, read on the
    report for nothing); they load on access if a caller needs them.
    """
    run = run or current_run()
    if run is None:
        return []
    issues = (
        RecurringIssue.objects.filter(run=run)
        .select_related("project", "department", "category")
        .defer(*ISSUE_LISTS)
    )
    if not is_moderator(user):
        issues = issues.filter(department_id__in=headed_department_ids(user))
    if department is not None:
        issues = issues.filter(department=department)
    if project is not None:
        issues = issues.filter(project=project)
    return list(issues.order_by("-post_count", "-recent_count", "pk")[:limit])


def visible_posts(
    *, user, post_ids: list[int], permission_handler, limit: int = 3, forums=None
) -> list[Post]:
    """Of these posts, those the reader may see (board, topic and approval), in the given order.
    ``forums``: the reader's readable forum ids, when the caller already has them."""
    return visible_posts_each(
        user=user,
        post_id_lists=[post_ids],
        permission_handler=permission_handler,
        limit=limit,
        forums=forums,
    )[0]


def visible_posts_each(
    *, user, post_id_lists: list[list[int]], permission_handler, limit: int = 3, forums=None
) -> list[list[Post]]:
    """``visible_posts`` for several lists at once (the report's issues' examples): one query
    for all of them. The posts come without their text, which no caller shows."""
    wanted = {pk for post_ids in post_id_lists for pk in post_ids}
    if not wanted:
        return [[] for _ in post_id_lists]
    if forums is None:
        forums = readable_forum_ids(user=user, permission_handler=permission_handler)
    found = {
        post.pk: post
        for post in Post.objects.filter(
            post_visibility_q(user=user), pk__in=wanted, topic__forum_id__in=forums
        )
        .select_related("topic__forum")
        .defer("content", "_content_rendered")
    }
    return [[found[pk] for pk in post_ids if pk in found][:limit] for post_ids in post_id_lists]


def visible_topics(*, user, topic_ids, permission_handler) -> QuerySet[Topic]:
    from forum.visibility import topic_visibility_q

    forums = readable_forum_ids(user=user, permission_handler=permission_handler)
    return Topic.objects.filter(
        topic_visibility_q(user=user), pk__in=list(topic_ids), forum_id__in=forums
    ).select_related("forum")


def improvements_for(*, user, status: str = "", department=None) -> QuerySet[ImprovementItem]:
    items = ImprovementItem.objects.select_related("department", "project")
    if not is_moderator(user):
        items = items.filter(department_id__in=user_department_ids(user))
    if status:
        items = items.filter(status=status)
    if department is not None:
        items = items.filter(department=department)
    return items


def improvement_progress(*, user, department=None) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in pipeline order."""
    counts = dict(
        improvements_for(user=user, department=department)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(value, label, counts.get(value, 0)) for value, label in ImprovementItem.Status.choices]


def improvements_for_member(*, member) -> QuerySet[ImprovementItem]:
    """The items that carry the member's feedback (their topics or their cases)."""
    return (
        ImprovementItem.objects.filter(Q(topics__poster=member) | Q(cases__member=member))
        .select_related("department")
        .distinct()
    )


def improvements_for_topic(*, topic) -> list[ImprovementItem]:
    """What became of a topic's feedback: the items that adopted or implemented it."""
    return list(
        ImprovementItem.objects.filter(topics=topic, status__in=ImprovementItem.MEMBER_NEWS)
        .select_related("department")
        .order_by("pk")
    )


def linked_members(*, item: ImprovementItem) -> list:
    """Whose feedback the item carries: the posters of its topics, the members of its cases."""
    from django.contrib.auth import get_user_model

    user_ids = set(item.topics.exclude(poster=None).values_list("poster_id", flat=True))
    user_ids |= set(item.cases.exclude(member=None).values_list("member_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
