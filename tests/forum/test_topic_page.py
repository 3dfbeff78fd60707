"""The topic page: constant query count, inert user markup."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Board
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import topic_url


def topic_with_replies(boards, count, suffix):
    posters = [UserFactory(username=f"p{suffix}_{n}") for n in range(count)]
    topic = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=posters[0], subject=f"话题{suffix}"
    )
    for n, poster in enumerate(posters[1:]):
        Post.objects.create(
            topic=topic, poster=poster, subject="回复", content=f"第{n}楼", approved=True
        )
    return topic


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_member", [False, True])
def test_topic_page_query_count_does_not_grow_with_posts(
    client, boards, member, django_assert_max_num_queries, as_member
):
    small = topic_with_replies(boards, 5, "a")
    large = topic_with_replies(boards, 40, "b")
    if as_member:
        client.force_login(member)
    # A reader's first visit records read tracking; compare repeat visits of both topics.
    client.get(topic_url(small))
    client.get(topic_url(large))

    baseline = queries_for(client, topic_url(small))

    with django_assert_max_num_queries(baseline):
        client.get(topic_url(large))


XSS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<iframe src="https://evil.example"></iframe>',
]


def test_xss_payloads_are_inert_on_the_topic_page(client, boards, member):
    topic = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum,
        poster=member,
        subject="<script>alert('t')</script>",
        content="\n\n".join(XSS),
    )

    page = client.get(topic_url(topic)).content.decode().lower()

    assert "<script>alert" not in page
    assert "onerror=" not in page
    assert 'href="javascript:' not in page
    assert "data:text/html" not in page
    assert "evil.example" not in page
