"""Read tracking at scale: a topic view does not scan the board, and a board still becomes read
when its last unread topic is read (machina's behaviour)."""

import pytest
from machina.apps.forum.models import Forum
from machina.apps.forum_tracking.models import ForumReadTrack, TopicReadTrack

from forum.boards.models import Board
from tests.conftest import make_topic
from tests.forum.conftest import topic_url


@pytest.fixture
def board(boards):
    return boards[Board.Kind.COMMUNITY].forum


def _refresh_counts(forum):
    forum = Forum.objects.get(pk=forum.pk)
    forum.update_trackers()
    return forum


def test_reading_every_topic_marks_the_board_read(client, board, member, moderator):
    topics = [make_topic(forum=board, poster=moderator, subject=f"活动{n}") for n in range(3)]
    _refresh_counts(board)
    client.force_login(member)

    for topic in topics[:2]:
        client.get(topic_url(topic))
    assert TopicReadTrack.objects.filter(user=member).count() == 2
    assert not ForumReadTrack.objects.filter(user=member, forum=board).exists()

    client.get(topic_url(topics[2]))
    assert ForumReadTrack.objects.filter(user=member, forum=board).exists()
    assert not TopicReadTrack.objects.filter(user=member, topic__forum=board).exists()


def test_a_topic_view_in_a_large_board_skips_the_board_scan(
    client, board, member, moderator, django_assert_max_num_queries
):
    topics = [make_topic(forum=board, poster=moderator, subject=f"话题{n}") for n in range(30)]
    _refresh_counts(board)
    client.force_login(member)
    client.get(topic_url(topics[0]))

    with django_assert_max_num_queries(40) as captured:
        client.get(topic_url(topics[1]))

    tracking = [q["sql"] for q in captured.captured_queries if "readtrack" in q["sql"].lower()]
    assert TopicReadTrack.objects.filter(user=member, topic=topics[1]).exists()
    # machina's whole-board check joins topics to the reader's marks; it must not run here.
    assert not any(
        "LEFT OUTER JOIN" in sql and "forum_conversation_topic" in sql for sql in tracking
    )
    assert not ForumReadTrack.objects.filter(user=member, forum=board).exists()


def test_a_board_already_read_is_read_again_after_a_new_post(client, board, member, moderator):
    first = make_topic(forum=board, poster=moderator, subject="旧话题")
    _refresh_counts(board)
    client.force_login(member)
    client.get(topic_url(first))
    assert ForumReadTrack.objects.filter(user=member, forum=board).exists()

    second = make_topic(forum=board, poster=moderator, subject="新话题")
    _refresh_counts(board)
    client.get(topic_url(second))

    assert ForumReadTrack.objects.filter(user=member, forum=board).exists()
    assert not TopicReadTrack.objects.filter(user=member, topic__forum=board).exists()


@pytest.mark.parametrize("kept", [False, True], ids=["asked", "kept"])
def test_a_topic_read_since_its_last_post_is_not_marked_again(
    client, board, member, moderator, settings, kept
):
    """No write for a topic read since its last post: one indexed read, or none at all once the
    answer is kept for the reader (forum.reader_state)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from machina.apps.forum_conversation.models import Post

    settings.FORUM_READER_STATE_CACHE = kept
    topics = [make_topic(forum=board, poster=moderator, subject=f"通知{n}") for n in range(3)]
    _refresh_counts(board)
    client.force_login(member)
    client.get(topic_url(topics[0]))
    marked = TopicReadTrack.objects.get(user=member, topic=topics[0]).mark_time

    with CaptureQueriesContext(connection) as captured:
        client.get(topic_url(topics[0]))

    tracking = [q["sql"] for q in captured.captured_queries if "readtrack" in q["sql"].lower()]
    if kept:
        assert tracking == []
    else:
        assert len(tracking) == 1 and tracking[0].lstrip().upper().startswith("SELECT")
    assert TopicReadTrack.objects.get(user=member, topic=topics[0]).mark_time == marked

    # A new reply is new to the reader: the next view marks the topic again.
    Post.objects.create(
        topic=topics[0], poster=moderator, subject="回复", content="更新", approved=True
    )
    client.get(topic_url(topics[0]))
    assert TopicReadTrack.objects.get(user=member, topic=topics[0]).mark_time > marked
