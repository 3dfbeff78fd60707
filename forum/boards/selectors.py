"""Reads for the forum pages, each applying forum.visibility."""

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from machina.apps.forum.models import Forum
from machina.apps.forum.visibility import ForumVisibilityContentTree
from machina.apps.forum_conversation.models import Post

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
    from forum.boards.models import TopicVisibility

    if not forum_ids or is_moderator(user):
        return {}
    hidden = TopicVisibility.objects.filter(
        staff_only=True, topic__approved=True, topic__forum_id__in=forum_ids
    )
    if user.is_authenticated:
        hidden = hidden.exclude(topic__poster=user)
        departments = staff_department_ids(user)
        if departments:
            hidden = hidden.exclude(Q(topic__case__department__in=departments))
    rows = hidden.values("topic__forum_id").annotate(
        topics=Count("topic_id"), posts=Sum("topic__posts_count")
    )
    return {row["topic__forum_id"]: (row["topics"], row["posts"] or 0) for row in rows}


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
