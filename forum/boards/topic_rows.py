"""A topic list's rows (board pages) kept between requests, each under a key of what it shows.

Rendering a board page's rows (machina's inline pagination, names, dates, badges) was about
half the page's CPU time at 1M posts. A row depends on the reader only through its unread
marker; everything else it shows comes from the topic's own row and the ``select_related``
data loaded with it (forum, poster, last post and its poster, accepted answer). The key is
made of all of it — language, time zone, the topic's fields, the names shown, the counts, the
unread marker — so any change (a reply, a view, an edit of the subject, a name change, an
accepted answer, approval) gives a new key: nothing to invalidate, and readers whose rows would
be the same share them. Building the key costs no query; the rows are read with one
``get_many``. On a page kept per reader kind (portal.pagecache.members) the unread marker is the
reader's ``topic_unread`` hole instead (forum/boards/holes.py), under a key of its own.
Rows of a topic without a poster (imported, anonymous) are rendered afresh.

``FORUM_TOPIC_ROWS_CACHE`` (on by default) switches the keeping off, to compare.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from machina.apps.forum_member.shortcuts import get_forum_member_display_name
from machina.conf import settings as machina_settings

from forum.boards.holes import topic_unread_arg
from portal.fragments import content_digest, fragments_kept
from portal.page_holes import hole_marker, holes_deferred

ROW_TEMPLATE = "forum_conversation/_topic_row.html"
ROW_KEY_PREFIX = "forum:topic-row:"
# A row's key changes with what it shows; the timeout only bounds what a quiet forum keeps.
ROWS_TIMEOUT = 24 * 3600
# A row whose unread marker is the reader's hole (its key says so: it is kept apart).
HOLE = "hole"


def _accepted(topic) -> bool:
    try:
        return topic.accepted_answer is not None
    except ObjectDoesNotExist:
        return False


def _row_key(topic, unread: bool | str) -> str | None:
    if topic.poster is None or (topic.last_post_id and topic.last_post.poster is None):
        return None
    last = topic.last_post
    parts = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        machina_settings.TOPIC_POSTS_NUMBER_PER_PAGE,
        topic.pk,
        topic.forum_id,
        topic.forum.slug,
        topic.slug,
        topic.subject,
        topic.type,
        topic.status,
        topic.approved,
        _accepted(topic),
        topic.poster_id,
        get_forum_member_display_name(topic.poster),
        topic.created.isoformat(),
        topic.posts_count,
        topic.views_count,
        topic.last_post_id,
        last.created.isoformat() if last else "",
        last.poster_id if last else "",
        get_forum_member_display_name(last.poster) if last else "",
        topic.last_post_on.isoformat() if topic.last_post_on else "",
        unread,
    )
    return f"{ROW_KEY_PREFIX}{content_digest(*parts)}"


def topic_rows_render(
    *, topics, unread_topics, force_all_unread: bool = False, request=None
) -> str:
    """The rows' HTML. On a page whose holes are filled later (portal.page_holes), a row's
    unread marker is the reader's ``topic_unread`` hole, and ``unread_topics`` is not read."""
    if holes_deferred(request) and not force_all_unread:
        rows = [(topic, HOLE) for topic in topics]
    else:
        unread_ids = {topic.pk for topic in unread_topics or ()}
        rows = [(topic, bool(force_all_unread) or topic.pk in unread_ids) for topic in topics]
    template = get_template(ROW_TEMPLATE)

    def render(topic, unread):
        if unread == HOLE:
            unread_class = mark_safe(hole_marker("topic_unread", topic_unread_arg(topic)))
        else:
            unread_class = "unread" if unread else ""
        return template.render({"topic": topic, "unread_class": unread_class})

    if not getattr(settings, "FORUM_TOPIC_ROWS_CACHE", True):
        return mark_safe("".join(render(topic, unread) for topic, unread in rows))
    keys = [_row_key(topic, unread) for topic, unread in rows]
    html = fragments_kept(rows, keys, lambda row: render(*row), timeout=ROWS_TIMEOUT)
    return mark_safe("".join(html))
