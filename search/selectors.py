"""Site search over what the reader may see.

This is the simple database search the walking skeleton ships: substring matching over posts in
forums the reader can read, and Wagtail's own search over live public pages. The search issue
replaces it with the indexed backends behind the same view.
"""

from django.db.models import Q, QuerySet
from machina.apps.forum_conversation.models import Post
from wagtail.models import Page

from forum.visibility import readable_forum_ids, topic_visibility_q

MAX_QUERY_LENGTH = 200


def normalise_query(raw: str) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def post_search(*, query: str, user, permission_handler) -> QuerySet[Post]:
    forum_ids = readable_forum_ids(user=user, permission_handler=permission_handler)
    condition = Q()
    for term in query.split():
        condition &= Q(content__icontains=term) | Q(subject__icontains=term)
    return (
        Post.approved_objects.filter(
            condition,
            topic_visibility_q(user=user, prefix="topic__"),
            topic__forum_id__in=forum_ids,
        )
        .select_related("topic", "topic__forum", "poster")
        .order_by("-created")
    )


def page_search(*, query: str):
    return Page.objects.live().public().specific().search(query)
