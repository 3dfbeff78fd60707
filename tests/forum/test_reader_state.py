"""What is each reader's own on members' pages, kept per reader (forum.reader_state).

The header's unread notifications, the topics a reader follows and the answers of their read
marks are kept between requests. Each must change on the next request after any change of its
rows, however it is made, show the same as when it is computed, and never reach another reader.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_tracking.models import TopicReadTrack

from forum.boards.models import Board, Notification
from forum.boards.notifications import (
    notification_case_update,
    notifications_for_reply,
    notifications_mark_read,
    unread_count,
)
from forum.reader_state import reader_state, reader_state_changed
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import forum_url, topic_url

UNREAD_ROW = re.compile(r'topic-icon unread">')
BADGE = re.compile(r'data-testid="header-notifications">[^<]*<span class="badge[^"]*">(\d+)<')


@pytest.fixture
def board(boards):
    return boards[Board.Kind.COMMUNITY].forum


@pytest.fixture
def reader(db):
    return UserFactory(username="reader1", display_name="读者")


def _badge(client, path="/me/") -> int:
    found = BADGE.search(client.get(path).content.decode())
    return int(found[1]) if found else 0


def _counting(what):
    with CaptureQueriesContext(connection) as captured:
        result = what()
    return result, [q["sql"] for q in captured.captured_queries]


def test_the_unread_count_is_kept_and_follows_every_change(board, reader, moderator, member):
    topic = make_topic(forum=board, poster=moderator, subject="物业通知")
    assert unread_count(user=reader) == 0
    count, queries = _counting(lambda: unread_count(user=reader))
    assert count == 0 and not [q for q in queries if "notification" in q.lower()]

    # A case update (save), a reply in a followed topic (bulk_create), a warning, read, deleted.
    notification_case_update(recipient=reader, topic=topic, message="已受理")
    assert unread_count(user=reader) == 1
    topic.subscribers.add(reader)
    reply = Post.objects.create(
        topic=topic, poster=moderator, subject="回复", content="已处理", approved=True
    )
    assert notifications_for_reply(post=reply)
    assert unread_count(user=reader) == 2
    Notification.objects.create(recipient=reader, kind=Notification.Kind.WARNING, message="注意")
    assert unread_count(user=reader) == 3
    # Another reader's count is theirs.
    assert unread_count(user=member) == 0
    notifications_mark_read(user=reader)
    assert unread_count(user=reader) == 0
    Notification.objects.create(recipient=reader, kind=Notification.Kind.CASE, topic=topic)
    assert unread_count(user=reader) == 1
    topic.delete()  # its notifications go with it
    assert unread_count(user=reader) == 0


def test_the_header_shows_the_kept_count_and_the_computed_one_alike(
    client, settings, board, reader, moderator
):
    topic = make_topic(forum=board, poster=moderator, subject="停水通知")
    client.force_login(reader)
    for _ in range(2):
        notification_case_update(recipient=reader, topic=topic, message="进展")
    settings.FORUM_READER_STATE_CACHE = True
    kept = [_badge(client), _badge(client)]
    settings.FORUM_READER_STATE_CACHE = False
    computed = _badge(client)
    assert kept == [2, 2] and computed == 2
    settings.FORUM_READER_STATE_CACHE = True
    # "Mark all read" on the notifications page: the page it returns to shows none.
    response = client.post(reverse("boards:notifications"), {"mark_read": "1"}, follow=True)
    assert BADGE.search(response.content.decode()) is None
    assert _badge(client) == 0


def test_followed_topics_follow_subscribing_and_leaving(client, board, reader, moderator):
    topic = make_topic(forum=board, poster=moderator, subject="装修噪音")
    other = make_topic(forum=board, poster=moderator, subject="快递柜")
    subscribe = reverse("forum_member:topic_subscribe", kwargs={"pk": topic.pk})
    unsubscribe = reverse("forum_member:topic_unsubscribe", kwargs={"pk": topic.pk})
    client.force_login(reader)

    def page():
        return client.get(topic_url(topic)).content.decode()

    assert subscribe in page() and unsubscribe not in page()
    assert client.post(subscribe).status_code == 302  # machina's view: topic.subscribers.add
    assert unsubscribe in page() and subscribe not in page()
    assert client.post(unsubscribe).status_code == 302
    assert subscribe in page()
    # From the reader's side, and a topic's subscribers cleared.
    reader.topic_subscriptions.add(topic, other)
    assert unsubscribe in page()
    topic.subscribers.clear()
    assert subscribe in page()
    # Kept: the button asks nothing of the subscribers table again.
    _html, queries = _counting(page)
    assert not [q for q in queries if "subscribers" in q.lower()]


def test_an_author_follows_their_topic_at_once(
    client, board, reader, moderator, django_capture_on_commit_callbacks
):
    topic = make_topic(forum=board, poster=moderator, subject="电梯故障")
    unsubscribe = reverse("forum_member:topic_unsubscribe", kwargs={"pk": topic.pk})
    client.force_login(reader)
    assert unsubscribe not in client.get(topic_url(topic)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.create(
            topic=topic, poster=reader, subject="回复", content="同样的问题", approved=True
        )
    assert unsubscribe in client.get(topic_url(topic)).content.decode()


def test_unread_markers_follow_reading_and_marking_all_read(client, board, reader, moderator):
    topics = [make_topic(forum=board, poster=moderator, subject=f"话题{n}") for n in range(3)]
    board.refresh_from_db()
    client.force_login(reader)

    def unread_rows():
        return len(UNREAD_ROW.findall(client.get(forum_url(board)).content.decode()))

    assert unread_rows() == 3
    # Kept: the board's markers ask the read marks nothing the second time.
    rows, queries = _counting(unread_rows)
    assert rows == 3 and not [q for q in queries if "readtrack" in q.lower()]
    client.get(topic_url(topics[0]))
    assert unread_rows() == 2
    # A new reply makes it unread again (its last post is part of what is asked).
    Post.objects.create(
        topic=topics[0], poster=moderator, subject="回复", content="补充", approved=True
    )
    assert unread_rows() == 3
    mark_read = reverse("forum_tracking:mark_topics_read", kwargs={"pk": board.pk})
    assert client.post(mark_read).status_code == 302
    assert unread_rows() == 0
    # Deleting the reader's marks (an administrator's tidy-up) brings the markers back.
    TopicReadTrack.objects.filter(user=reader).delete()
    from machina.apps.forum_tracking.models import ForumReadTrack

    ForumReadTrack.objects.filter(user=reader).delete()
    assert unread_rows() == 3


def test_one_readers_answers_never_reach_another(client, board, reader, member, moderator):
    topic = make_topic(forum=board, poster=moderator, subject="绿化")
    client.force_login(reader)
    client.get(topic_url(topic))
    topic.subscribers.add(reader)
    notification_case_update(recipient=reader, topic=topic, message="进展")
    assert _badge(client) == 1
    assert len(UNREAD_ROW.findall(client.get(forum_url(board)).content.decode())) == 0
    client.force_login(member)
    assert _badge(client) == 0
    assert len(UNREAD_ROW.findall(client.get(forum_url(board)).content.decode())) == 1
    page = client.get(topic_url(Topic.objects.get(pk=topic.pk))).content.decode()
    assert reverse("forum_member:topic_subscribe", kwargs={"pk": topic.pk}) in page


def test_a_change_in_the_same_request_is_seen_by_what_follows(reader):
    calls = []

    def count():
        calls.append(1)
        return len(calls)

    assert reader_state(reader, "notifications", count) == 1
    assert reader_state(reader, "notifications", count) == 1  # kept
    reader_state_changed(user_id=reader.pk, part="notifications")
    assert reader_state(reader, "notifications", count) == 2  # the same user object asks again
    with pytest.raises(ValueError):
        reader_state_changed(user_id=reader.pk, part="no such part")


def test_switched_off_every_part_is_computed(settings, reader):
    settings.FORUM_READER_STATE_CACHE = False
    calls = []
    for _ in range(2):
        reader_state(reader, "subscriptions", lambda: calls.append(1) or frozenset())
    assert len(calls) == 2
