import pytest
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.services import board_skeleton_ensure, moderators_group_ensure
from portal.members.services import housing_project_ensure, unit_ownership_verify
from tests.factories import UnitOwnershipFactory, UserFactory


def pytest_collection_modifyitems(items):
    """Every transactional test reloads the migrations' data (serialized_rollback).

    A transactional test ends with a flush. Without serialized_rollback that flush re-creates
    content types and permissions under new ids, and the next test that reloads the serialized
    data then fails on a duplicate content type; with it the flush leaves the tables empty and
    each transactional test starts from the migrated data, whatever ran before it.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True),
                append=False,
            )


@pytest.fixture(scope="session", autouse=True)
def _kept_database_keeps_the_migrated_data(django_db_keepdb, django_db_blocker):
    """A kept test database (`--reuse-db`) ends the session with the migrations' data in it.

    A transactional test ends with a flush and the migrated data (departments, boards, groups)
    comes back only at the start of the next transactional test. When the session's last
    transactional test has run, the kept database is left empty and the next session that
    reuses it (each mutant of `make mutation`) fails on every missing department. So the
    session puts the serialized data back when it finds the tables flushed.
    """
    yield
    if not django_db_keepdb:
        return
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents and not ContentType.objects.using(connection.alias).exists():
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, machina's caches)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def boards(db):
    """The public boards and the global forum permissions, keyed by Board.Kind."""
    return board_skeleton_ensure()


@pytest.fixture
def project_a(boards):
    return housing_project_ensure(name="翠湖天地", slug="cuihu", city="上海", phases=2)


@pytest.fixture
def project_b(boards):
    return housing_project_ensure(name="滨江壹号", slug="binjiang", city="杭州")


def staff_of(code, username=None):
    """A member of a department's staff group (cases.Department, seeded by migration)."""
    from forum.cases.models import Department

    user = UserFactory(username=username or f"staff_{code}")
    user.groups.add(Department.objects.get(code=code).staff_group)
    return user


@pytest.fixture
def moderator(boards):
    user = UserFactory(username="moderator", display_name="客服小陈")
    user.groups.add(moderators_group_ensure())
    return user


@pytest.fixture
def member(db):
    return UserFactory(username="member1", display_name="热心会员")


@pytest.fixture
def staff_admin(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def make_owner(*, project, username, by):
    ownership = UnitOwnershipFactory(member=UserFactory(username=username), project=project)
    unit_ownership_verify(ownership=ownership, by=by)
    return ownership.member


@pytest.fixture
def owner_a(project_a, staff_admin):
    return make_owner(project=project_a, username="owner_a", by=staff_admin)


@pytest.fixture
def owner_b(project_b, staff_admin):
    return make_owner(project=project_b, username="owner_b", by=staff_admin)


def make_topic(*, forum, poster, subject, content="内容"):
    topic = Topic.objects.create(
        forum=forum,
        subject=subject,
        poster=poster,
        type=Topic.TOPIC_POST,
        status=Topic.TOPIC_UNLOCKED,
        approved=True,
    )
    Post.objects.create(topic=topic, poster=poster, subject=subject, content=content, approved=True)
    return topic


def search_index_drain():
    """Index what the test wrote: the task that drains the queue runs after a commit, and a
    test in a transaction never commits, so a search would otherwise query an empty index."""
    from search.services import queue_process

    while queue_process(ignore_backoff=True)["processed"]:
        pass


def search_titles(client, text) -> set[str]:
    """The titles of the hits the search page gives the client's user (not its HTML, where
    highlighting splits a title around the searched words)."""
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200
    return {hit.title for hit in response.context["results"].hits}
