"""The forum's parts of a page that belong to the reader, as holes (portal.page_holes).

- ``forum_links``: the board toolbar's links (the reader's posts, subscriptions, notifications,
  the report and moderation queues they may open).
- ``topic_subscription``: a topic's subscribe or unsubscribe button (argument: the topic's id).
- ``topic_unread``: the unread marker of a topic list's row (argument: the topic's id, board id,
  last post time and creation time, so no topic needs reading again).

Each is drawn by the functions below in both ways of serving a page: at once in a page rendered
for its reader, or into the markers of a page kept for readers of the same kind. Whoever is
served a kept page could see the topic (the page was rendered for a reader of their kind, whose
board permissions and topic rules are theirs: portal.pagecache.members), so the subscribe button
asks only what is theirs alone: whether they follow the topic.
"""

from __future__ import annotations

import datetime
import hashlib

from django.contrib.auth.models import AnonymousUser
from django.template.loader import get_template
from django.utils import timezone
from machina.apps.forum_conversation.models import Topic
from machina.apps.forum_tracking.handler import TrackingHandler

from forum.reader_state import reader_state, unread_answer
from forum.visibility import is_moderator
from portal.holes import hole_render_kept, reader_context
from portal.page_holes import hole_renderer

FORUM_LINKS_TEMPLATE = "partials/holes/forum_links.html"
SUBSCRIPTION_TEMPLATE = "partials/holes/topic_subscription.html"
TOPICS_ATTRIBUTE = "_page_topics"


def _user(request):
    return getattr(request, "user", None) or AnonymousUser()


def page_topic_remember(request, topic) -> None:
    """The topic the view read, for the holes drawn in the same request (no second read)."""
    if request is not None:
        found = getattr(request, TOPICS_ATTRIBUTE, None)
        if found is None:
            found = {}
            setattr(request, TOPICS_ATTRIBUTE, found)
        found[topic.pk] = topic


def _page_topics(request, ids: list[int]) -> dict[int, Topic]:
    known = dict(getattr(request, TOPICS_ATTRIBUTE, None) or {})
    missing = [pk for pk in ids if pk not in known]
    if missing:
        for topic in Topic.objects.select_related("forum").filter(pk__in=missing):
            known[topic.pk] = topic
            page_topic_remember(request, topic)
    return known


@hole_renderer("forum_links")
def forum_links_hole(request, args: list[str]) -> dict[str, str]:
    user = _user(request)
    handler = getattr(request, "forum_permission_handler", None)
    if handler is None:  # no request: machina's own handler, as the template's tag takes
        html = get_template(FORUM_LINKS_TEMPLATE).render(reader_context(request))
        return dict.fromkeys(args, html)
    # Everything the template's output follows (portal.holes.hole_render_kept).
    inputs = (
        user.pk,
        user.is_authenticated and is_moderator(user),
        handler.can_access_moderation_queue(user),
    )
    return dict.fromkeys(args, hole_render_kept(request, FORUM_LINKS_TEMPLATE, inputs))


# Readers following more topics than this are asked about the page's topics only.
SUBSCRIPTIONS_KEPT_MAX = 2000
# Kept in place of their ids for such readers (no topic has a negative id).
_FOLLOWS_TOO_MANY = frozenset({-1})


def _subscribed_ids(user, topic_ids: list[int]) -> set[int]:
    """Which of these topics the reader follows: from the ids of all they follow, kept per
    reader (forum.reader_state), or for these topics alone when they follow too many."""
    through = Topic.subscribers.through

    def every_followed():
        ids = list(
            through.objects.filter(user_id=user.pk).values_list("topic_id", flat=True)[
                : SUBSCRIPTIONS_KEPT_MAX + 1
            ]
        )
        return frozenset(ids) if len(ids) <= SUBSCRIPTIONS_KEPT_MAX else _FOLLOWS_TOO_MANY

    followed = reader_state(user, "subscriptions", every_followed)
    if followed != _FOLLOWS_TOO_MANY:
        return followed & set(topic_ids)
    return set(
        through.objects.filter(user_id=user.pk, topic_id__in=topic_ids).values_list(
            "topic_id", flat=True
        )
    )


@hole_renderer("topic_subscription")
def topic_subscription_hole(request, args: list[str]) -> dict[str, str]:
    template = get_template(SUBSCRIPTION_TEMPLATE)
    user = _user(request)
    ids = [int(arg) for arg in args]
    drawn = dict.fromkeys(args, "")
    if user.is_authenticated and ids:
        handler = request.forum_permission_handler
        topics = _page_topics(request, ids)
        subscribed = _subscribed_ids(user, ids)
        for arg, pk in zip(args, ids, strict=True):
            topic = topics.get(pk)
            if topic is None:
                continue
            # machina's has_subscriber lists every subscriber of the topic; the reader's own
            # row answers the same question.
            topic._subscribers = [user] if pk in subscribed else []
            can_subscribe = handler.can_subscribe_to_topic(topic, user)
            values = {
                "topic_pk": pk,
                "can_subscribe": can_subscribe,
                "can_unsubscribe": not can_subscribe
                and handler.can_unsubscribe_from_topic(topic, user),
            }
            drawn[arg] = hole_render_kept(
                request, SUBSCRIPTION_TEMPLATE, tuple(values.values()), values
            )
    for arg in args:
        if not drawn[arg]:
            drawn[arg] = template.render({"topic_pk": arg})
    return drawn


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def _micros(moment: datetime.datetime | None) -> str:
    return "" if moment is None else str((moment - _EPOCH) // _MICROSECOND)


def _moment(micros: str) -> datetime.datetime | None:
    return None if not micros else _EPOCH + int(micros) * _MICROSECOND


def topic_unread_arg(topic) -> str:
    """The ``topic_unread`` hole's argument for a topic: what machina's unread rule reads."""
    return ",".join(
        (str(topic.pk), str(topic.forum_id), _micros(topic.last_post_on), _micros(topic.created))
    )


@hole_renderer("topic_unread")
def topic_unread_hole(request, args: list[str]) -> dict[str, str]:
    """ "unread" for the rows the reader has not read (machina's rule), else nothing."""
    user = _user(request)
    if not user.is_authenticated:
        return dict.fromkeys(args, "")

    def unread_ids() -> set[int]:
        topics = []
        for arg in args:
            pk, forum_id, last_post_on, created = arg.split(",")
            topics.append(
                Topic(
                    pk=int(pk),
                    forum_id=int(forum_id),
                    last_post_on=_moment(last_post_on),
                    created=_moment(created) or timezone.now(),
                )
            )
        return {topic.pk for topic in TrackingHandler(request).get_unread_topics(topics, user)}

    # Kept per reader until a read mark of theirs changes (forum.reader_state).
    unread = unread_answer(user, hashlib.sha256("\n".join(args).encode()).hexdigest(), unread_ids)
    return {arg: "unread" if int(arg.split(",", 1)[0]) in unread else "" for arg in args}
