"""Topic views counted in batches (forum.view_counts) instead of one UPDATE per view."""

import weakref

import pytest
from machina.apps.forum_conversation.models import Topic

from forum import view_counts
from forum.boards.models import Board
from tests.conftest import make_topic
from tests.forum.conftest import topic_url


@pytest.fixture
def topics(boards, moderator):
    board = boards[Board.Kind.COMMUNITY].forum
    return [make_topic(forum=board, poster=moderator, subject=f"话题{n}") for n in range(3)]


@pytest.fixture
def batched(settings):
    settings.FORUM_VIEW_COUNT_SECONDS = 3600
    view_counts.view_counts_flush()  # nothing of another test's left waiting
    yield
    view_counts.view_counts_flush()


def _views(topic) -> int:
    return Topic.objects.get(pk=topic.pk).views_count


def test_views_wait_for_the_batch_and_are_all_written(client, member, topics, batched):
    client.force_login(member)
    for _ in range(3):
        assert client.get(topic_url(topics[0])).status_code == 200
    client.get(topic_url(topics[1]))
    assert [_views(topic) for topic in topics] == [0, 0, 0]
    assert view_counts.view_counts_flush() == 2
    assert [_views(topic) for topic in topics] == [3, 1, 0]
    assert view_counts.view_counts_flush() == 0  # nothing counted twice
    assert [_views(topic) for topic in topics] == [3, 1, 0]


def test_the_first_view_after_the_interval_writes_the_batch(settings, topics, batched):
    view_counts.topic_view_count(topic_id=topics[0].pk)
    view_counts.topic_view_count(topic_id=topics[1].pk)
    assert _views(topics[0]) == 0
    settings.FORUM_VIEW_COUNT_SECONDS = 1e-9  # the interval has passed
    view_counts.topic_view_count(topic_id=topics[0].pk)
    assert [_views(topic) for topic in topics] == [2, 1, 0]


def test_a_batch_that_fails_to_write_is_kept_for_the_next(monkeypatch, topics, batched):
    view_counts.topic_view_count(topic_id=topics[2].pk)

    def broken(counts):
        raise RuntimeError("database away")

    with monkeypatch.context() as patched:
        patched.setattr(view_counts, "_write", broken)
        with pytest.raises(RuntimeError):
            view_counts.view_counts_flush()
    assert _views(topics[2]) == 0
    assert view_counts.view_counts_flush() == 1
    assert _views(topics[2]) == 1


def test_without_batches_each_view_is_written_at_once(client, member, topics, settings):
    settings.FORUM_VIEW_COUNT_SECONDS = 0
    client.force_login(member)
    client.get(topic_url(topics[0]))
    client.get(topic_url(topics[0]))
    assert _views(topics[0]) == 2


def test_machinas_own_counter_is_replaced(topics):
    from machina.apps.forum_conversation import receivers
    from machina.apps.forum_conversation.signals import topic_viewed

    live = [
        entry[1]() if isinstance(entry[1], weakref.ReferenceType) else entry[1]
        for entry in topic_viewed.receivers
    ]
    assert receivers.update_topic_counter not in live
    assert view_counts.update_topic_counter in live
