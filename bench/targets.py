"""Resolve the pages' {placeholders} from the database the benchmark runs against.

Run by bench/run.py inside the site's environment; prints one JSON object. A placeholder that
cannot be resolved (the feature has not landed, or there is no such content) maps to null.
"""

import json
import os
import sys


def discover() -> dict:
    from django.urls import reverse
    from machina.apps.forum_conversation.models import Post, Topic

    from forum.boards.models import Board
    from portal.loaddata.core import member_username
    from portal.members.models import User

    found = {
        "member": member_username(0),
        "moderator": "bench_moderator",
        "department": "bench_engineering",
        "load_data": User.objects.filter(username=member_username(0)).exists(),
        "members": User.objects.count(),
        "posts": Post.objects.count(),
        "board": None,
        "topic_20_posts": None,
        "news_article": None,
    }
    board = Board.objects.filter(kind=Board.Kind.MUTUAL_HELP).select_related("forum").first()
    if board is not None:
        found["board"] = reverse(
            "forum:forum", kwargs={"slug": board.forum.slug, "pk": board.forum.pk}
        )
    public = [kind for kind in Board.Kind.values if kind != Board.Kind.OWNERS]
    topic = (
        Topic.objects.filter(forum__board__kind__in=public, approved=True, posts_count__gte=20)
        .exclude(visibility__staff_only=True)
        .select_related("forum")
        .order_by("posts_count", "pk")
        .first()
    )
    if topic is not None:
        found["topic_20_posts"] = reverse(
            "forum_conversation:topic",
            kwargs={
                "forum_slug": topic.forum.slug,
                "forum_pk": topic.forum.pk,
                "slug": topic.slug,
                "pk": topic.pk,
            },
        )
        found["topic_posts"] = topic.posts_count
    found["news_article"] = _news_article()
    found["activity"] = _activity()
    return found


def _activity() -> str | None:
    """The next upcoming live activity a visitor may read (the sign-up page)."""
    try:
        from django.utils import timezone

        from portal.activities.models import activities_live
    except ImportError:
        return None
    activity = activities_live().filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
    return activity.url if activity is not None else None


def _news_article() -> str | None:
    from wagtail.models import Page

    index = Page.objects.live().public().filter(slug="news").first()
    if index is None:
        return None
    article = index.get_children().live().public().order_by("-first_published_at").first()
    return article.get_url() if article is not None else None


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()
    print(json.dumps(discover(), ensure_ascii=False))
