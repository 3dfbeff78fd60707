"""Members' pages kept per reader kind (portal.pagecache.members) with their holes filled in.

Every page a reader is served from a copy kept for their kind must be the page rendered afresh
for them (only CSRF tokens differ, and each reader's token is their own); no kind's copy may
reach a reader of another kind; changes show on the next request; a kept topic page still
counts the view and marks it read.
"""

import re

import pytest
from django.core.cache import caches
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_tracking.handler import TrackingHandler

from forum.boards.models import Board
from forum.cases.models import Case, Department
from portal.page_holes import csrf_marker, hole_marker
from portal.pagecache.members import MEMBER_PAGE_HEADER, MEMBER_PAGES_CACHE_ALIAS
from tests.conftest import make_owner, make_topic, staff_of
from tests.factories import UserFactory
from tests.forum.conftest import forum_url, topic_url

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


def _normalised(html: str) -> str:
    return CSRF.sub(lambda m: m[1] + m[3], html)


@pytest.fixture
def kept(settings):
    settings.MEMBER_PAGE_CACHE = True
    caches[MEMBER_PAGES_CACHE_ALIAS].clear()
    yield
    caches[MEMBER_PAGES_CACHE_ALIAS].clear()


@pytest.fixture
def world(boards, project_a, project_b, staff_admin, moderator, member):
    owner_a = make_owner(project=project_a, username="owner_a", by=staff_admin)
    owner_a2 = make_owner(project=project_a, username="owner_a2", by=staff_admin)
    owner_b = make_owner(project=project_b, username="owner_b", by=staff_admin)
    community = boards[Board.Kind.COMMUNITY].forum
    topic = make_topic(forum=community, poster=owner_a, subject="小区羽毛球", content="周六")
    Post.objects.create(topic=topic, poster=member, subject="回复", content="我也去", approved=True)
    owners_board = project_a.owners_board.forum
    owners_topic = make_topic(forum=owners_board, poster=owner_a, subject="电梯维保")
    complainant = UserFactory(username="complainant", display_name="投诉人")
    complaint = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=complainant, subject="地库漏水"
    )
    Case.objects.create(topic=complaint, department=Department.objects.get(code="engineering"))
    return {
        "topic": topic,
        "community": community,
        "owners_board": owners_board,
        "owners_topic": owners_topic,
        "complaint": complaint,
        "complainant": complainant,
        "member": member,
        "member2": UserFactory(username="member2", display_name="第二位会员"),
        "member3": UserFactory(username="member3", display_name="第三位会员"),
        "owner_a": owner_a,
        "owner_a2": owner_a2,
        "owner_b": owner_b,
        "moderator": moderator,
        "moderator2": _moderator("moderator2"),
        "engineering": staff_of("engineering", "engineering1"),
        "engineering2": staff_of("engineering", "engineering2"),
    }


def _moderator(username):
    from forum.boards.services import moderators_group_ensure

    user = UserFactory(username=username)
    user.groups.add(moderators_group_ensure())
    return user


def _get(client, user, path, *, status=200):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response


def _html(response) -> str:
    return response.content.decode()


def _fresh(client, settings, user, path) -> str:
    settings.MEMBER_PAGE_CACHE = False
    try:
        return _normalised(_html(_get(client, user, path)))
    finally:
        settings.MEMBER_PAGE_CACHE = True


def _pages(world):
    return {
        "topic": topic_url(world["topic"]),
        "board": forum_url(world["community"]),
        "board, page 1": forum_url(world["community"]) + "?page=1",
        "complaint": topic_url(world["complaint"]),
    }


@pytest.mark.parametrize(
    "first,second",
    [
        ("member2", "member3"),
        ("owner_a2", "owner_a"),
        ("member3", "owner_b"),
        ("member", "member2"),
        ("moderator", "moderator2"),
        ("engineering", "engineering2"),
        ("engineering", "member3"),
        (None, "member3"),
    ],
)
def test_a_page_served_kept_is_the_page_rendered_afresh(
    client, settings, kept, world, first, second
):
    first_user = world[first] if first else None
    second_user = world[second]
    for name, path in _pages(world).items():
        # A first look settles what a look changes (read marks, the view count is not shown).
        _get(client, second_user, path)
        fresh = _fresh(client, settings, second_user, path)
        stored = _get(client, first_user, path)
        assert stored[MEMBER_PAGE_HEADER] in ("stored", "hit"), name
        served = _get(client, second_user, path)
        assert _normalised(_html(served)) == fresh, (name, first, second)
        again = _get(client, second_user, path)
        assert again[MEMBER_PAGE_HEADER] == "hit", name
        assert _normalised(_html(again)) == fresh, (name, first, second)


def test_readers_of_one_kind_share_a_page_and_others_do_not(client, kept, world):
    path = topic_url(world["topic"])
    assert _get(client, world["member2"], path)[MEMBER_PAGE_HEADER] == "stored"
    assert _get(client, world["member3"], path)[MEMBER_PAGE_HEADER] == "hit"
    # Other groups: another kind.
    assert _get(client, world["owner_b"], path)[MEMBER_PAGE_HEADER] == "stored"
    # A moderator's page is theirs alone: a second moderator renders their own.
    assert _get(client, world["moderator"], path)[MEMBER_PAGE_HEADER] == "stored"
    assert _get(client, world["moderator2"], path)[MEMBER_PAGE_HEADER] == "stored"
    assert _get(client, world["moderator"], path)[MEMBER_PAGE_HEADER] == "hit"


def test_the_authors_on_a_page_get_their_own(client, settings, kept, world):
    path = topic_url(world["topic"])
    author, reply_author = world["owner_a"], world["member"]
    edit = reverse(
        "forum_conversation:topic_update",
        kwargs={
            "forum_slug": world["community"].slug,
            "forum_pk": world["community"].pk,
            "slug": world["topic"].slug,
            "pk": world["topic"].pk,
        },
    )
    # The topic's author stores a page of their own, with the edit link …
    page = _get(client, author, path)
    assert page[MEMBER_PAGE_HEADER] == "stored"
    assert edit in _html(page)
    # … which a member of the same groups never gets.
    other = _get(client, world["owner_a2"], path)
    assert other[MEMBER_PAGE_HEADER] == "stored"
    assert edit not in _html(other)
    # The shared page involves the reply's author: they render theirs, with their own links.
    assert _get(client, reply_author, path)[MEMBER_PAGE_HEADER] == "stored"
    assert _get(client, author, path)[MEMBER_PAGE_HEADER] == "hit"
    assert edit in _html(_get(client, author, path))
    assert _normalised(_html(_get(client, reply_author, path))) == _fresh(
        client, settings, reply_author, path
    )


@pytest.mark.parametrize("reader", [None, "member", "owner_b"])
def test_an_owners_board_kept_for_owners_reaches_no_one_else(client, kept, world, reader):
    board, topic = forum_url(world["owners_board"]), topic_url(world["owners_topic"])
    for path in (board, topic):
        assert _get(client, world["owner_a2"], path)[MEMBER_PAGE_HEADER] == "stored"
        status = 302 if reader is None else 403
        response = _get(client, world[reader] if reader else None, path, status=status)
        assert "电梯维保" not in _html(response)


def test_each_reader_gets_their_own_name_and_csrf_token(client, kept, world):
    from django.test import Client

    path = topic_url(world["topic"])
    _get(client, world["member2"], path)
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(world["member3"])
    served = reader.get(path)
    html = _html(served)
    assert served[MEMBER_PAGE_HEADER] == "hit"
    assert "第三位会员" in html and "第二位会员" not in html
    assert csrf_marker() not in html and "<!--hole:" not in html
    # The log-out form's token is the reader's own: with it they log out.
    token = CSRF.search(html)[2]
    response = reader.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in reader.session


def test_a_kept_topic_page_counts_the_view_and_marks_it_read(client, kept, world):
    topic, reader = world["topic"], world["member3"]
    path = topic_url(topic)
    _get(client, world["member2"], path)
    views = Topic.objects.get(pk=topic.pk).views_count
    handler = TrackingHandler()
    assert handler.get_unread_topics([topic], reader) == [topic]
    assert _get(client, reader, path)[MEMBER_PAGE_HEADER] == "hit"
    assert Topic.objects.get(pk=topic.pk).views_count == views + 1
    assert handler.get_unread_topics([Topic.objects.get(pk=topic.pk)], reader) == []


def test_unread_markers_and_the_subscribe_button_are_each_readers(client, kept, world):
    topic, board = world["topic"], forum_url(world["community"])
    reader, other = world["member3"], world["member2"]
    unread_row = re.compile(r'topic-icon unread">')
    _get(client, other, topic_url(topic))  # other has read it, and kept a board page later
    _get(client, other, board)
    page = _html(_get(client, reader, board))
    assert len(unread_row.findall(page)) == Topic.objects.filter(forum=world["community"]).count()
    _get(client, reader, topic_url(topic))
    page = _html(_get(client, reader, board))
    assert len(unread_row.findall(page)) == (
        Topic.objects.filter(forum=world["community"]).count() - 1
    )
    topic.subscribers.add(reader)
    subscribe = reverse("forum_member:topic_subscribe", kwargs={"pk": topic.pk})
    unsubscribe = reverse("forum_member:topic_unsubscribe", kwargs={"pk": topic.pk})
    mine = _get(client, reader, topic_url(topic))
    theirs = _get(client, other, topic_url(topic))
    assert mine[MEMBER_PAGE_HEADER] == theirs[MEMBER_PAGE_HEADER] == "hit"
    assert unsubscribe in _html(mine) and subscribe not in _html(mine)
    assert subscribe in _html(theirs) and unsubscribe not in _html(theirs)


def test_a_change_shows_on_the_next_request(
    client, kept, world, django_capture_on_commit_callbacks
):
    path = topic_url(world["topic"])
    _get(client, world["member2"], path)
    assert _get(client, world["member3"], path)[MEMBER_PAGE_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.create(
            topic=world["topic"], poster=world["owner_b"], subject="回复", content="新回复来了"
        )
    served = _get(client, world["member3"], path)
    assert served[MEMBER_PAGE_HEADER] == "stored"
    assert "新回复来了" in _html(served)


def test_a_group_change_gives_a_new_kind_at_once(client, kept, world, project_a):
    path = forum_url(world["owners_board"])
    newcomer = world["member3"]
    _get(client, world["member2"], path, status=403)
    _get(client, newcomer, path, status=403)
    # Verified as an owner of project A: the owners' board opens on the next request.
    newcomer.groups.add(project_a.owners_group)
    served = _get(client, newcomer, path)
    assert served[MEMBER_PAGE_HEADER] == "stored"
    assert "电梯维保" in _html(served)


def test_a_waiting_notice_is_shown_once_and_the_page_is_not_kept(client, kept, world):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage

    path = topic_url(world["topic"])
    reader = world["member2"]
    _get(client, reader, path)
    request_factory_storage = CookieStorage(None)
    request_factory_storage.add(messages.SUCCESS, "已发布")
    encoded = request_factory_storage._encode(request_factory_storage._queued_messages)
    client.cookies[CookieStorage.cookie_name] = encoded
    response = client.get(path)
    assert response[MEMBER_PAGE_HEADER] == "fresh"
    assert "已发布" in _html(response)


def test_a_hit_reads_little_and_the_same_with_more_posts(client, kept, world, settings):
    from forum import view_counts

    settings.FORUM_VIEW_COUNT_SECONDS = 3600  # views in batches, as in production
    path = topic_url(world["topic"])
    reader = world["member3"]
    _get(client, world["member2"], path)
    _get(client, reader, path)
    client.force_login(reader)

    def queries():
        with CaptureQueriesContext(__import__("django.db").db.connection) as captured:
            assert client.get(path)[MEMBER_PAGE_HEADER] == "hit"
        return len(captured)

    before = queries()
    for n in range(5):
        Post.objects.create(
            topic=world["topic"], poster=world["owner_b"], subject="回复", content=f"第{n}"
        )
    # Without a commit the generation stays: the kept page is the same, and once the reader's
    # read mark has caught up with the new posts, so is what a hit costs.
    queries()
    assert queries() == before
    # The user row alone: what is kept about the reader comes from the cache in one round trip,
    # the topic from the kept page, the view goes to the batch.
    assert before == 1
    assert view_counts.view_counts_flush() == 1


def test_the_case_members_page_is_never_kept(client, settings, kept, world):
    path = topic_url(world["complaint"])
    for _ in range(2):
        served = _get(client, world["complainant"], path)
        assert served[MEMBER_PAGE_HEADER] == "fresh"
    assert _normalised(_html(served)) == _fresh(client, settings, world["complainant"], path)
    # Others share theirs.
    assert _get(client, world["member2"], path)[MEMBER_PAGE_HEADER] == "stored"
    assert _get(client, world["member3"], path)[MEMBER_PAGE_HEADER] == "hit"


def test_a_marker_written_into_a_post_stays_text(client, kept, world):
    forged = hole_marker("account")
    Post.objects.create(
        topic=world["topic"], poster=world["owner_b"], subject="回复", content=forged
    )
    html = _html(_get(client, world["member3"], topic_url(world["topic"])))
    assert html.count('data-testid="header-user"') == 1
