"""The board page's total of topics comes from machina's kept counter, not a count of the board.

``board_topics_total`` must be exactly the number of topics the page lists for each kind of
reader: hidden topics of each kind (staff-only with and without a routed case, unapproved,
announcements of each), kept or not between requests, and after a change.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board, TopicVisibility
from forum.boards.selectors import board_topics_total, topics_for_forum
from forum.cases.models import Case, Department
from forum.machina_apps.forum.views import ForumView
from forum.visibility import topic_visibility_q
from tests.conftest import make_owner, make_topic, staff_of
from tests.factories import UserFactory
from tests.forum.conftest import forum_url

READERS = ["visitor", "member", "owner", "complainant", "department", "moderator"]


def _unapproved_topic(*, forum, poster, subject, announce=False):
    """As machina makes one: the first post unapproved, the topic follows it."""
    topic = Topic.objects.create(
        forum=forum,
        subject=subject,
        poster=poster,
        type=Topic.TOPIC_ANNOUNCE if announce else Topic.TOPIC_POST,
        status=Topic.TOPIC_UNLOCKED,
        approved=False,
    )
    Post.objects.create(topic=topic, poster=poster, subject=subject, content="内容", approved=False)
    return topic


@pytest.fixture
def board(boards, project_a, staff_admin, moderator, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    complainant = UserFactory(username="complainant")
    engineering = staff_of("engineering", "engineering1")
    others = [UserFactory(username=f"other{n}") for n in range(3)]
    for n in range(5):
        make_topic(forum=forum, poster=others[n % 3], subject=f"公开{n}")
    routed = make_topic(forum=forum, poster=complainant, subject="私密已分派")
    TopicVisibility.objects.create(topic=routed, staff_only=True)
    Case.objects.create(topic=routed, department=Department.objects.get(code="engineering"))
    unrouted = make_topic(forum=forum, poster=others[0], subject="私密未分派")
    TopicVisibility.objects.create(topic=unrouted, staff_only=True)
    private_announce = make_topic(forum=forum, poster=complainant, subject="私密公告")
    private_announce.type = Topic.TOPIC_ANNOUNCE
    private_announce.save()
    TopicVisibility.objects.create(topic=private_announce, staff_only=True)
    announce = make_topic(forum=forum, poster=others[1], subject="公告")
    announce.type = Topic.TOPIC_ANNOUNCE
    announce.save()
    _unapproved_topic(forum=forum, poster=member, subject="待审核自己的")
    _unapproved_topic(forum=forum, poster=others[2], subject="待审核别人的")
    _unapproved_topic(forum=forum, poster=member, subject="待审核公告", announce=True)
    readers = {
        "visitor": None,
        "member": member,
        "owner": make_owner(project=project_a, username="owner_a", by=staff_admin),
        "complainant": complainant,
        "department": engineering,
        "moderator": moderator,
    }
    return forum, readers


def _as_user(user):
    from django.contrib.auth.models import AnonymousUser

    return user or AnonymousUser()


def _listed_count(forum, user):
    return topics_for_forum(forum=forum, user=user).exclude(type=Topic.TOPIC_ANNOUNCE).count()


def _total(forum, user):
    from machina.core.loading import get_class

    from forum.visibility import readable_forum_ids

    handler = get_class("forum_permission.handler", "PermissionHandler")()
    announces = list(forum.topics.filter(topic_visibility_q(user=user), type=Topic.TOPIC_ANNOUNCE))
    readable = set(readable_forum_ids(user=user, permission_handler=handler))
    return board_topics_total(forum=forum, user=user, announces=announces, readable=readable)


@pytest.mark.parametrize("kept", [False, True])
@pytest.mark.parametrize("reader_kind", READERS)
def test_the_total_is_the_count_of_the_listed_topics(settings, board, reader_kind, kept):
    forum, readers = board
    user = _as_user(readers[reader_kind])
    settings.FORUM_BOARD_TOTALS_CACHE = kept
    forum.refresh_from_db()

    expected = _listed_count(forum, user)

    assert _total(forum, user) == expected
    assert _total(forum, user) == expected  # warm, when kept


def test_the_readers_see_different_totals(board):
    # The fixture's hidden topics make a difference for each kind of reader (else the test
    # above would prove little).
    forum, readers = board
    totals = {kind: _listed_count(forum, _as_user(readers[kind])) for kind in READERS}
    assert totals == {
        "visitor": 5,
        "member": 6,
        "owner": 5,
        "complainant": 6,
        "department": 6,
        "moderator": 9,
    }


@pytest.mark.parametrize("reader_kind", READERS)
def test_every_page_lists_the_readers_topics_once_in_order(client, board, monkeypatch, reader_kind):
    forum, readers = board
    monkeypatch.setattr(ForumView, "paginate_by", 2)
    user = readers[reader_kind]
    if user is not None:
        client.force_login(user)
    expected = list(
        topics_for_forum(forum=forum, user=_as_user(user))
        .exclude(type=Topic.TOPIC_ANNOUNCE)
        .values_list("subject", flat=True)
    )

    first = client.get(forum_url(forum))
    pages = first.context["paginator"].num_pages
    listed = []
    for number in range(1, pages + 1):
        response = client.get(forum_url(forum), {"page": number})
        listed += [topic.subject for topic in response.context["topics"]]

    assert pages == -(-len(expected) // 2)
    assert listed == expected
    assert client.get(forum_url(forum), {"page": pages + 1}).status_code == 404


def test_a_change_shows_in_the_total_on_the_next_request(client, board, member):
    forum, readers = board
    client.force_login(member)

    def total():
        return client.get(forum_url(forum)).context["paginator"].count

    before = total()
    topic = make_topic(forum=forum, poster=UserFactory(username="newposter"), subject="新话题")
    assert total() == before + 1
    TopicVisibility.objects.create(topic=topic, staff_only=True)
    assert total() == before
    # Routed to the member's department: visible to them again.
    Case.objects.create(topic=topic, department=Department.objects.get(code="engineering"))
    client.force_login(readers["department"])
    assert total() == _listed_count(forum, readers["department"])


def test_a_filtered_list_is_still_counted(client, board, member):
    forum, _readers = board
    client.force_login(member)
    response = client.get(forum_url(forum), {"solved": "unsolved"})
    assert response.context["paginator"].count == _listed_count(forum, member)


def test_the_page_links_keep_the_solved_filter(client, board, member, monkeypatch):
    forum, _readers = board
    monkeypatch.setattr(ForumView, "paginate_by", 2)
    client.force_login(member)

    filtered = client.get(forum_url(forum), {"solved": "unsolved"}).content.decode()
    plain = client.get(forum_url(forum)).content.decode()
    unknown = client.get(forum_url(forum), {"solved": '"><b>x'}).content.decode()

    def page_links(html):
        return set(re.findall(r'href="(\?[^"]*page=\d+)"', html))

    assert "?solved=unsolved&amp;page=2" in page_links(filtered)
    assert all(link.startswith("?solved=unsolved&amp;page=") for link in page_links(filtered))
    assert "?page=2" in page_links(plain)
    assert all(link.startswith("?page=") for link in page_links(plain))
    # Only the two known filters are carried; anything else is not echoed into the links.
    assert all(link.startswith("?page=") for link in page_links(unknown))
    assert "<b>x" not in unknown


def _queries(client, url, **params) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("reader_kind", ["member", "complainant", "moderator"])
def test_the_board_page_query_count_is_the_same_with_n_and_3n_topics(
    client, board, monkeypatch, reader_kind
):
    forum, readers = board
    monkeypatch.setattr(ForumView, "paginate_by", 4)
    client.force_login(readers[reader_kind])

    def add_topics(count, prefix):
        for n in range(count):
            poster = UserFactory(username=f"poster{prefix}{n}")
            make_topic(forum=forum, poster=poster, subject=f"{prefix}{n}")

    add_topics(10, "甲")
    cache.clear()
    few = [_queries(client, forum_url(forum), page=p) for p in (1, 2)]
    add_topics(20, "乙")
    cache.clear()

    assert [_queries(client, forum_url(forum), page=p) for p in (1, 2)] == few


def test_a_category_lists_its_boards_and_a_board_lists_no_sub_forums(client, boards, member):
    from django.urls import reverse

    board = boards[Board.Kind.MUTUAL_HELP].forum
    category = board.parent
    client.force_login(member)
    subforums_link = reverse("forum_tracking:mark_subforums_read", args=[board.pk])

    category_page = client.get(forum_url(category))
    board_page = client.get(forum_url(board))

    assert board.name in category_page.content.decode()
    assert [f.obj.pk for f in category_page.context["sub_forums"].top_nodes].count(board.pk) == 1
    assert not board_page.context["sub_forums"]
    assert subforums_link not in board_page.content.decode()
