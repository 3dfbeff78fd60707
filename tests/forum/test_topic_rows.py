"""The board page's topic rows are kept between requests under a key of what each row shows
(forum.boards.topic_rows): a change shows on the next request, and a reader's unread marker
never reaches another reader."""

import re

import pytest
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Board
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import forum_url, topic_url


@pytest.fixture
def board(boards):
    return boards[Board.Kind.COMMUNITY].forum


def _row(html: str, subject: str) -> str:
    """The HTML of the row whose topic has this subject."""
    rows = html.split('<div class="row m-0 px-3 py-2 border-bottom">')
    found = [row for row in rows[1:] if f">{subject}</a>" in row]
    assert len(found) == 1, subject
    return found[0]


def _board_html(client, forum) -> str:
    response = client.get(forum_url(forum))
    assert response.status_code == 200
    return response.content.decode()


def test_a_name_change_shows_in_the_row_on_the_next_request(client, board, member):
    author = UserFactory(username="laozhang", display_name="老张")
    make_topic(forum=board, poster=author, subject="周末爬山")
    client.force_login(member)
    assert "老张" in _row(_board_html(client, board), "周末爬山")

    author.display_name = "张师傅"
    author.save()

    row = _row(_board_html(client, board), "周末爬山")
    assert "张师傅" in row and "老张" not in row


def test_a_reply_and_a_view_show_in_the_row_on_the_next_request(client, board, member):
    author = UserFactory(username="laoli", display_name="老李")
    topic = make_topic(forum=board, poster=author, subject="停车位转租")
    client.force_login(member)
    counts = re.compile(r'topic-count">(\d+)</div>')
    assert counts.findall(_row(_board_html(client, board), "停车位转租")) == ["0", "0"]

    replier = UserFactory(username="xiaowang", display_name="小王")
    Post.objects.create(topic=topic, poster=replier, subject="回复", content="我要", approved=True)
    client.get(topic_url(topic))

    row = _row(_board_html(client, board), "停车位转租")
    assert counts.findall(row) == ["1", "1"]
    assert "小王" in row  # the last post's author


def test_one_readers_unread_marker_never_reaches_another(client, board, member):
    topic = make_topic(forum=board, poster=UserFactory(username="poster1"), subject="电梯检修通知")
    reader = UserFactory(username="reader1")
    client.force_login(reader)
    client.get(topic_url(topic))  # read by this reader only
    assert "unread" not in _row(_board_html(client, board), "电梯检修通知")

    client.force_login(member)
    assert "topic-icon unread" in _row(_board_html(client, board), "电梯检修通知")

    client.force_login(reader)
    assert "unread" not in _row(_board_html(client, board), "电梯检修通知")
