import pytest
from django.contrib.auth.models import Group
from machina.apps.forum_permission.handler import PermissionHandler

from forum.boards.models import Board, TopicVisibility
from forum.boards.services import MODERATORS_GROUP
from forum.cases.models import Case, Department
from forum.visibility import can_see_topic, visible_topics
from tests.conftest import make_topic, search_index_drain, search_titles, staff_of
from tests.factories import UserFactory


@pytest.fixture
def private_complaint(boards, member):
    topic = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="我家门牌号被泄露"
    )
    TopicVisibility.objects.create(topic=topic, staff_only=True)
    Case.objects.create(topic=topic, department=Department.objects.get(code="property"))
    return topic


def sees(user, topic):
    handler = PermissionHandler()
    listed = visible_topics(user=user, permission_handler=handler).filter(pk=topic.pk).exists()
    direct = can_see_topic(user=user, topic=topic, permission_handler=handler)
    assert listed == direct
    return direct


def test_private_complaint_is_seen_by_author_moderator_and_routed_department(
    private_complaint, member
):
    moderator = UserFactory(username="mod")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])

    assert sees(member, private_complaint)
    assert sees(moderator, private_complaint)
    assert sees(staff_of("property"), private_complaint)


def test_private_complaint_is_refused_to_everyone_else(private_complaint, owner_a):
    from django.contrib.auth.models import AnonymousUser

    assert not sees(owner_a, private_complaint)
    assert not sees(staff_of("engineering"), private_complaint)
    assert not sees(UserFactory(username="someone"), private_complaint)
    assert not sees(AnonymousUser(), private_complaint)


def test_unapproved_topic_is_seen_only_by_its_author(boards, member, owner_a):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="待审")
    topic.approved = False
    topic.save()

    assert sees(member, topic)
    assert not sees(owner_a, topic)


def test_private_complaint_never_shows_in_search(
    client, boards, private_complaint, member, owner_a
):
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=owner_a, subject="门牌号怎么补办")
    search_index_drain()

    client.force_login(owner_a)
    found = search_titles(client, "门牌号")
    assert "门牌号怎么补办" in found
    assert "我家门牌号被泄露" not in found
    client.logout()
    assert search_titles(client, "门牌号") == {"门牌号怎么补办"}
    client.force_login(staff_of("engineering"))
    assert "我家门牌号被泄露" not in search_titles(client, "门牌号")

    client.force_login(member)
    assert "我家门牌号被泄露" in search_titles(client, "门牌号")
    client.force_login(staff_of("property"))
    assert "我家门牌号被泄露" in search_titles(client, "门牌号")
