"""Reads for the forum pages, each applying forum.visibility."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from machina.apps.forum.models import Forum
from machina.apps.forum.visibility import ForumVisibilityContentTree
from machina.apps.forum_conversation.models import Post, Topic

from forum.visibility import (
    is_moderator,
    readable_forum_ids,
    staff_department_ids,
    topic_visibility_q,
)


def last_visible_posts(*, user, forums) -> dict[int, Post]:
    """The latest post the reader may see in each forum (never one of a hidden topic).

    machina's denormalised ``forum.last_post`` is used when the reader may see it (one query for
    all forums); only the other forums are searched for their latest visible post.
    """
    denormalised = {f.last_post_id: f.pk for f in forums if f.last_post_id}
    visible = {}
    if denormalised:
        for post in (
            Post.objects.filter(pk__in=denormalised, approved=True)
            .filter(topic_visibility_q(user=user, prefix="topic__"))
            .select_related("poster", "topic")
        ):
            visible[denormalised[post.pk]] = post
    forum_ids = [f.pk for f in forums if f.pk not in visible and f.last_post_id]
    if not forum_ids:
        return visible
    latest = (
        Post.objects.filter(topic__forum=OuterRef("pk"), approved=True)
        .filter(topic_visibility_q(user=user, prefix="topic__"))
        .order_by("-created")
        .values("pk")[:1]
    )
    post_ids = dict(
        Forum.objects.filter(pk__in=forum_ids)
        .annotate(last_visible_post=Subquery(latest))
        .values_list("pk", "last_visible_post")
    )
    posts = Post.objects.filter(pk__in=[pk for pk in post_ids.values() if pk]).select_related(
        "poster", "topic"
    )
    by_pk = {post.pk: post for post in posts}
    visible.update({forum_id: by_pk[pk] for forum_id, pk in post_ids.items() if pk in by_pk})
    return visible


def forum_tree_for_user(*, forums, user, permission_handler) -> ForumVisibilityContentTree:
    """machina's forum tree, listing boards one may see but not read (locked, without topics).

    Each node's ``last_post`` is the latest post the reader may see; ``locked`` nodes carry no
    last post and their counts are not shown.
    """
    listable = permission_handler.get_listable_forums(forums, user)
    tree = ForumVisibilityContentTree.from_forums(listable)
    readable = permission_handler.get_readable_forum_ids(user)
    own_last = last_visible_posts(
        user=user, forums=[n.obj for n in tree.nodes if n.obj.id in readable]
    )
    hidden = hidden_topic_counts(
        user=user, forum_ids=[n.obj.id for n in tree.nodes if n.obj.id in readable]
    )
    # Nodes come parents first: walk backwards so children are settled before their parent.
    for node in reversed(tree.nodes):
        node.locked = node.obj.id not in readable
        hidden_topics, hidden_posts = hidden.get(node.obj.id, (0, 0))
        node.__dict__["topics_count"] = (
            node.obj.direct_topics_count
            - hidden_topics
            + sum(c.topics_count for c in node.children)
        )
        node.__dict__["posts_count"] = (
            node.obj.direct_posts_count - hidden_posts + sum(c.posts_count for c in node.children)
        )
        if node.locked:
            node.__dict__["last_post"] = None
            continue
        candidates = [own_last.get(node.obj.id)] + [c.last_post for c in node.children]
        candidates = [post for post in candidates if post is not None]
        node.__dict__["last_post"] = (
            max(candidates, key=lambda post: post.created) if candidates else None
        )
    return tree


def hidden_topic_counts(*, user, forum_ids) -> dict[int, tuple[int, int]]:
    """Per board, the approved topics (and their posts) the reader may not see: the staff-only
    ones that are neither theirs nor their department's. machina's counters count every
    approved topic; the board lists show the counters less these, so a count never promises
    topics the reader cannot find. One query over the few staff-only topics, not over a board."""
    if not forum_ids or is_moderator(user):
        return {}
    rows = (
        _hidden_approved_topics(user=user)
        .filter(topic__forum_id__in=forum_ids)
        .values("topic__forum_id")
        .annotate(topics=Count("topic_id"), posts=Sum("topic__posts_count"))
    )
    return {row["topic__forum_id"]: (row["topics"], row["posts"] or 0) for row in rows}


def _hidden_approved_topics(*, user):
    """The staff-only marks of the approved topics the reader (not a moderator) may not see:
    forum.visibility's rule for an approved topic, read from the few staff-only marks."""
    from forum.boards.models import TopicVisibility

    hidden = TopicVisibility.objects.filter(staff_only=True, topic__approved=True)
    if user.is_authenticated:
        hidden = hidden.exclude(topic__poster=user)
        departments = staff_department_ids(user)
        if departments:
            hidden = hidden.exclude(Q(topic__case__department__in=departments))
    return hidden


BOARD_TOTAL_KEY_PREFIX = "forum:board-total:"


def board_topics_total(*, forum, user, announces, readable: set[int]) -> int:
    """How many topics ``topics_for_forum`` lists for the reader, announcements aside, without
    counting the board's rows on each request (a count of the 互助 board's 85,000 topics took
    50–100 ms and grew with the board).

    machina keeps ``direct_topics_count``, the board's approved topics (announcements included),
    on every save or delete of a post or topic. The total is that, less the approved topics the
    reader may not see (the staff-only ones: ``_hidden_approved_topics``), plus the unapproved
    topics the reader sees (their own; all of them for a moderator), less the approved
    announcements the reader sees (``announces``, listed on the page already; the others are
    among the hidden). All but the announcements depend on the reader only through their scope
    (forum.author_counts.reader_scope), so that part is kept per board and scope under the
    counts generation, replaced on every save or delete of a post, topic, topic visibility or
    case (``FORUM_BOARD_TOTALS_CACHE``, on by default): warm, no query at all.
    """
    from forum.author_counts import COUNTS_TIMEOUT, kept_reader_scope

    visible_announces = sum(1 for topic in announces if topic.approved)
    if not getattr(settings, "FORUM_BOARD_TOTALS_CACHE", True):
        return _board_topics_less_announces(forum=forum, user=user) - visible_announces
    generation, scope = kept_reader_scope(user=user, readable=readable)
    if generation is None:  # a cache that keeps nothing
        return _board_topics_less_announces(forum=forum, user=user) - visible_announces
    key = f"{BOARD_TOTAL_KEY_PREFIX}{generation}:{scope}:{forum.pk}"
    total = cache.get(key)
    if total is None:
        total = _board_topics_less_announces(forum=forum, user=user)
        cache.set(key, total, timeout=COUNTS_TIMEOUT)
    return total - visible_announces


def _board_topics_less_announces(*, forum, user) -> int:
    """``direct_topics_count`` less the hidden, plus the unapproved the reader sees: one query
    over the board's few staff-only and unapproved topics (by their marks, by ``approved``)."""
    unapproved = Topic.objects.filter(forum=OuterRef("pk"), approved=False).exclude(
        type=Topic.TOPIC_ANNOUNCE
    )
    hidden = None
    if not is_moderator(user):
        hidden = _hidden_approved_topics(user=user).filter(topic__forum=OuterRef("pk"))
        unapproved = unapproved.filter(poster=user) if user.is_authenticated else None
    approved, hidden_count, unapproved_count = (
        Forum.objects.filter(pk=forum.pk)
        .annotate(hidden=_count_of(hidden), unapproved=_count_of(unapproved))
        .values_list("direct_topics_count", "hidden", "unapproved")
        .get()
    )
    return approved - hidden_count + unapproved_count


def _count_of(rows):
    if rows is None:
        return Value(0)
    # COUNT as a plain function: one row over the whole subquery, no GROUP BY.
    counted = rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted), 0)


def topics_for_forum(*, forum, user):
    """A board's topics the reader may see (with their own topics awaiting approval)."""
    return (
        forum.topics.filter(topic_visibility_q(user=user))
        .select_related("poster", "last_post", "last_post__poster", "forum", "accepted_answer")
        .order_by("-type", "-last_post_on")
    )


def visible_topics_in(*, topics, user, permission_handler):
    """Restrict a Topic queryset to readable boards and visible topics."""
    return topics.filter(
        topic_visibility_q(user=user),
        forum_id__in=readable_forum_ids(user=user, permission_handler=permission_handler),
    )


def visible_posts_in(*, posts, user, permission_handler):
    return posts.filter(
        topic_visibility_q(user=user, prefix="topic__"),
        topic__forum_id__in=readable_forum_ids(user=user, permission_handler=permission_handler),
    )


def member_posts(*, member):
    """The member's own posts that they can still read (lost ownership hides an owners' board)."""
    from machina.core.loading import get_class

    handler = get_class("forum_permission.handler", "PermissionHandler")()
    return (
        Post.objects.filter(
            topic_visibility_q(user=member, prefix="topic__"),
            poster=member,
            topic__forum_id__in=readable_forum_ids(user=member, permission_handler=handler),
        )
        .select_related("topic", "topic__forum")
        .order_by("-created")
    )
