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


def test_public_topics_are_seen_by_visitors_members_and_department_staff(boards, member, owner_a):
    from django.contrib.auth.models import AnonymousUser

    public = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="公开")
    shown = make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="公开投诉")
    TopicVisibility.objects.create(topic=shown, staff_only=False)

    for reader in (AnonymousUser(), owner_a, staff_of("property")):
        assert sees(reader, public)
        assert sees(reader, shown)


def test_a_topic_in_an_owners_board_is_seen_by_its_owners_only(project_a, owner_a, member):
    topic = make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="业主议事")

    assert sees(owner_a, topic)
    assert not sees(member, topic)


def test_the_rules_apply_to_posts_through_their_topic(boards, private_complaint, member, owner_a):
    from machina.apps.forum_conversation.models import Post

    from forum.visibility import topic_visibility_q

    public = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="公开")

    def readable_posts(user):
        posts = Post.objects.filter(topic_visibility_q(user=user, prefix="topic__"))
        return set(posts.values_list("topic__subject", flat=True))

    assert readable_posts(owner_a) == {"公开"}
    assert readable_posts(member) == {"公开", private_complaint.subject}
    assert readable_posts(staff_of("property")) == {"公开", private_complaint.subject}
    assert public.subject in readable_posts(staff_of("engineering"))
