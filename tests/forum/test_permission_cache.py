"""Board permissions kept between requests (forum.permissions, FORUM_PERMISSION_CACHE).

The pages must be the same with the kept answers as without them, for every kind of reader,
and a change of a grant or of a group membership must hold on the very next request.
"""

import io
import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from machina.apps.forum_conversation.models import Post
from machina.apps.forum_permission.models import UserForumPermission

from forum import permissions
from forum.boards.models import Board
from forum.boards.services import forum_permissions_set
from forum.cases.models import Case, Department
from forum.permissions import (
    PERMISSIONS_KEY_PREFIX,
    PERMISSIONS_TIMEOUT,
    PERMISSIONS_VERSION_KEY,
    ClubPermissionHandler,
    _rules_signature,
)
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import forum_url, private_complaint_make, topic_url

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|csrf[-_]token[^"]*" content=)"[^"]+"')


def _normalised(response) -> str:
    return CSRF.sub(r'\1"CSRF"', response.content.decode())


def _permission_queries(queries) -> int:
    return sum("forumpermission" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def world(boards, project_a, owner_a, member, moderator, property_staff, complainant):
    """A public topic with replies, a topic in 翠湖天地's owners' board, a private complaint."""
    public = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="电梯维修问谁"
    )
    Post.objects.create(
        topic=public, poster=owner_a, subject="回复", content="找物业前台", approved=True
    )
    owners_forum = Board.objects.get(project=project_a).forum
    owners_topic = make_topic(forum=owners_forum, poster=owner_a, subject="业主团购窗帘")
    complaint = private_complaint_make(boards=boards, poster=complainant)
    return {
        "topic": topic_url(public),
        "owners topic": topic_url(owners_topic),
        "complaint": topic_url(complaint),
        "board": forum_url(boards[Board.Kind.MUTUAL_HELP].forum),
        "owners board": forum_url(owners_forum),
        "personal center": "/me/",
        "triage queue": "/triage/",
    }


READERS = ("visitor", "member", "owner_a", "moderator", "property_staff", "complainant")


@pytest.mark.parametrize("reader", READERS)
def test_every_page_is_the_same_with_the_kept_answers_as_without(
    client, settings, world, reader, request
):
    if reader != "visitor":
        client.force_login(request.getfixturevalue(reader))
    for name, url in world.items():
        # A first visit records read tracking and view counts; compare what follows it.
        settings.FORUM_PERMISSION_CACHE = False
        client.get(url)
        fresh = client.get(url)

        settings.FORUM_PERMISSION_CACHE = True
        cache.clear()
        cold = client.get(url)
        warm = client.get(url)

        for kept in (cold, warm):
            assert kept.status_code == fresh.status_code, (reader, name)
            assert kept.get("Location") == fresh.get("Location"), (reader, name)
            assert _normalised(kept) == _normalised(fresh), (reader, name)


def test_the_kept_answers_are_used_on_the_next_request(client, world, member):
    client.force_login(member)
    with CaptureQueriesContext(connection) as first:
        client.get(world["topic"])
    with CaptureQueriesContext(connection) as second:
        client.get(world["topic"])

    assert _permission_queries(first) > 0
    assert _permission_queries(second) < _permission_queries(first)


def test_leaving_the_owners_group_closes_the_owners_board_on_the_next_request(
    client, world, owner_a, project_a
):
    client.force_login(owner_a)
    assert "业主团购窗帘" in client.get(world["owners board"]).content.decode()
    client.get(world["owners board"])  # answered from the kept answers

    owner_a.groups.remove(project_a.owners_group)

    assert client.get(world["owners board"]).status_code == 403
    assert client.get(world["owners topic"]).status_code == 403


def test_a_revoked_group_grant_holds_on_the_next_request(client, world, owner_a, project_a):
    owners_forum = Board.objects.get(project=project_a).forum
    client.force_login(owner_a)
    client.get(world["owners topic"])
    assert client.get(world["owners topic"]).status_code == 200

    forum_permissions_set(
        codenames=("can_read_forum",),
        granted=False,
        forum=owners_forum,
        group=project_a.owners_group,
    )

    assert client.get(world["owners topic"]).status_code == 403


def test_a_personal_grant_and_its_removal_hold_on_the_next_request(client, world, member):
    handler_answer = lambda: ClubPermissionHandler().can_read_forum(  # noqa: E731
        Board.objects.get(kind=Board.Kind.OWNERS).forum, member
    )
    client.force_login(member)
    assert client.get(world["owners topic"]).status_code == 403
    assert not handler_answer()

    grant = UserForumPermission.objects.create(
        user=member,
        forum=Board.objects.get(kind=Board.Kind.OWNERS).forum,
        permission=UserForumPermission._meta.get_field("permission").related_model.objects.get(
            codename="can_read_forum"
        ),
        has_perm=True,
    )
    assert handler_answer()
    assert client.get(world["owners topic"]).status_code == 200

    grant.delete()
    assert not handler_answer()
    assert client.get(world["owners topic"]).status_code == 403


def test_joining_a_department_opens_its_private_complaints_on_the_next_request(
    client, world, member
):
    client.force_login(member)
    client.get(world["complaint"])
    assert client.get(world["complaint"]).status_code == 403

    member.groups.add(Department.objects.get(code="property").staff_group)

    assert client.get(world["complaint"]).status_code == 200


def test_answers_kept_before_a_commit_are_not_used_after_it(
    django_capture_on_commit_callbacks, world, owner_a, project_a
):
    owners_forum = Board.objects.get(project=project_a).forum
    with django_capture_on_commit_callbacks(execute=True):
        owner_a.groups.remove(project_a.owners_group)
        # A request running meanwhile (it could still see the rows before the commit) keeps
        # its answers under the version set at the change …
        during = ClubPermissionHandler()
        during.can_read_forum(owners_forum, owner_a)
        during.permissions_save()
        version_during = cache.get(PERMISSIONS_VERSION_KEY)

    # … which the commit replaces, so the next request computes afresh.
    assert cache.get(PERMISSIONS_VERSION_KEY) != version_during
    with CaptureQueriesContext(connection) as queries:
        assert not ClubPermissionHandler().can_read_forum(owners_forum, owner_a)
    assert _permission_queries(queries) > 0


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_board_page_query_count_does_not_grow_with_topics(client, boards, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    client.force_login(member)

    def add_topics(count, prefix):
        for n in range(count):
            make_topic(forum=forum, poster=UserFactory(), subject=f"{prefix}{n}")

    add_topics(5, "甲")
    few = _queries(client, forum_url(forum))
    add_topics(10, "乙")

    assert _queries(client, forum_url(forum)) <= few


def test_the_triage_queue_query_count_does_not_grow_with_cases(client, boards, moderator):
    complaints = boards[Board.Kind.COMPLAINTS].forum
    client.force_login(moderator)

    def add_cases(count, prefix):
        for n in range(count):
            topic = make_topic(forum=complaints, poster=UserFactory(), subject=f"{prefix}{n}")
            Case.objects.get_or_create(topic=topic)

    add_cases(4, "丙")
    few = _queries(client, reverse("cases:queue"))
    add_cases(8, "丁")

    assert _queries(client, reverse("cases:queue")) <= few


def test_the_personal_center_query_count_does_not_grow_with_posts(client, boards, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    client.force_login(member)
    make_topic(forum=forum, poster=member, subject="第一帖")
    few = _queries(client, "/me/")
    for n in range(6):
        make_topic(forum=forum, poster=member, subject=f"又一帖{n}")

    assert _queries(client, "/me/") <= few


def test_the_reset_command_drops_the_kept_answers(world, owner_a, project_a):
    from django.core.management import call_command

    owners_forum = Board.objects.get(project=project_a).forum
    kept = ClubPermissionHandler()
    assert kept.can_read_forum(owners_forum, owner_a)
    kept.permissions_save()
    before = cache.get(PERMISSIONS_VERSION_KEY)

    call_command("forum_permissions_reset", stdout=io.StringIO())

    assert cache.get(PERMISSIONS_VERSION_KEY) != before


def test_a_readers_answers_are_stored_after_the_response_for_the_next_request(
    client, world, member
):
    key = f"{PERMISSIONS_KEY_PREFIX}{_rules_signature()}:{member.pk}"
    client.force_login(member)
    assert cache.get(key) is None

    client.get(world["topic"])

    version, answers = cache.get(key)
    assert version == cache.get(PERMISSIONS_VERSION_KEY)
    assert answers, "the board permissions the page asked for are kept"
    with CaptureQueriesContext(connection) as second:
        response = client.get(world["topic"])
    assert response.status_code == 200 and "电梯维修问谁" in response.content.decode()
    assert _permission_queries(second) == 0


def _time_to_live(key: str) -> float | None:
    """How long the default cache (local memory or Redis) keeps `key`: seconds, None for ever."""
    full_key = cache.make_and_validate_key(key)
    if hasattr(cache, "_expire_info"):  # LocMemCache
        expiry = cache._expire_info[full_key]
        return None if expiry is None else expiry - time.time()
    seconds = cache._cache.get_client(full_key).ttl(full_key)  # Redis: -1 when kept for ever
    return None if seconds == -1 else seconds


def test_a_readers_kept_answers_last_a_day_and_the_version_for_ever(client, world, member):
    key = f"{PERMISSIONS_KEY_PREFIX}{_rules_signature()}:{member.pk}"
    client.force_login(member)
    cache.delete(PERMISSIONS_VERSION_KEY)  # created again by the first handler that needs it

    client.get(world["topic"])

    assert cache.get(key) is not None and cache.get(PERMISSIONS_VERSION_KEY) is not None
    # An entry is rebuilt from a few queries, so it is let go after a day; the version must
    # never run out, or every reader's entry would be dropped at once for no change.
    assert PERMISSIONS_TIMEOUT - 60 < _time_to_live(key) <= PERMISSIONS_TIMEOUT
    assert _time_to_live(PERMISSIONS_VERSION_KEY) is None


def test_a_request_that_learns_nothing_new_writes_nothing_back(client, world, member, monkeypatch):
    client.force_login(member)
    client.get(world["topic"])  # computes the reader's answers and stores them
    written = []
    write = permissions.cache.set

    def recorded_write(key, *args, **kwargs):
        written.append(key)
        return write(key, *args, **kwargs)

    monkeypatch.setattr(permissions.cache, "set", recorded_write)
    response = client.get(world["topic"])  # every answer it needs is kept

    assert response.status_code == 200 and "电梯维修问谁" in response.content.decode()
    assert not [key for key in written if key.startswith(PERMISSIONS_KEY_PREFIX)]


def test_one_handler_keeps_each_boards_answers_apart(world, member, boards):
    public = boards[Board.Kind.MUTUAL_HELP].forum
    owners = Board.objects.get(kind=Board.Kind.OWNERS).forum
    handler = ClubPermissionHandler()

    assert handler.can_read_forum(public, member)
    assert not handler.can_read_forum(owners, member)  # not the public board's kept answer
    assert handler.can_read_forum(public, member)


def test_switched_off_nothing_is_kept_between_requests(client, settings, world, member):
    settings.FORUM_PERMISSION_CACHE = False
    key = f"{PERMISSIONS_KEY_PREFIX}{_rules_signature()}:{member.pk}"
    client.force_login(member)
    client.get(world["topic"])

    with CaptureQueriesContext(connection) as second:
        response = client.get(world["topic"])

    assert response.status_code == 200 and "电梯维修问谁" in response.content.decode()
    assert cache.get(key) is None
    assert _permission_queries(second) > 0


def test_a_change_of_the_default_member_grants_starts_fresh_entries(settings):
    settings.MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS = []
    without_defaults = _rules_signature()
    settings.MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS = [
        "can_read_forum",
        "can_see_forum",
    ]
    with_defaults = _rules_signature()
    settings.MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS = [
        "can_see_forum",
        "can_read_forum",
    ]

    assert with_defaults != without_defaults
    assert _rules_signature() == with_defaults  # the same grants in another order: one entry


def test_the_kept_checker_answers_exactly_what_machinas_checker_answers(world, member, boards):
    from machina.apps.forum_permission.checker import ForumPermissionChecker

    public = boards[Board.Kind.MUTUAL_HELP].forum
    owners = Board.objects.get(kind=Board.Kind.OWNERS).forum
    asked = ["can_read_forum", "can_start_new_topics"]
    machinas = ForumPermissionChecker(member)
    expected = machinas.get_perms_for_forumlist([public, owners], asked)
    kept = ClubPermissionHandler()._get_checker(member)

    # Only the codenames asked about, computed the first time and kept the second.
    assert expected == {public: {"can_read_forum", "can_start_new_topics"}, owners: set()}
    assert kept.get_perms_for_forumlist([public, owners], asked) == expected
    assert kept.get_perms_for_forumlist([public, owners], asked) == expected
    # machina asks about the global grants with the board None.
    assert machinas.get_perms(None)
    assert sorted(kept.get_perms(None)) == sorted(machinas.get_perms(None))


def test_a_readers_kept_answers_and_the_version_come_in_one_cache_read(world, member, monkeypatch):
    warm = ClubPermissionHandler()
    assert warm.can_read_forum(Board.objects.get(kind=Board.Kind.MUTUAL_HELP).forum, member)
    warm.permissions_save()
    single_reads, many_reads = [], []
    read, read_many = permissions.cache.get, permissions.cache.get_many

    def recorded_read(key, *args, **kwargs):
        if not many_reads or many_reads[-1] is not None:  # LocMemCache's get_many calls get()
            single_reads.append(key)
        return read(key, *args, **kwargs)

    def recorded_read_many(keys, *args, **kwargs):
        many_reads.append(None)
        try:
            return read_many(keys, *args, **kwargs)
        finally:
            many_reads[-1] = list(keys)

    monkeypatch.setattr(permissions.cache, "get", recorded_read)
    monkeypatch.setattr(permissions.cache, "get_many", recorded_read_many)

    stored = ClubPermissionHandler()._permissions_for(member)

    assert stored.answers, "the answers the first handler learnt"
    assert len(many_reads) == 1 and PERMISSIONS_VERSION_KEY in many_reads[0]
    assert single_reads == []  # the version was there: no second round trip for it


def test_saving_again_without_learning_anything_writes_nothing(world, member, monkeypatch):
    handler = ClubPermissionHandler()
    assert handler.can_read_forum(Board.objects.get(kind=Board.Kind.MUTUAL_HELP).forum, member)
    written = []
    write = permissions.cache.set
    monkeypatch.setattr(
        permissions.cache, "set", lambda key, *a, **kw: written.append(key) or write(key, *a, **kw)
    )

    handler.permissions_save()
    handler.permissions_save()

    assert len(written) == 1  # the positive control is the first save's write
