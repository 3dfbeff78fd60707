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


def test_private_complaint_is_refused_to_everyone_else(boards, private_complaint, owner_a):
    from django.contrib.auth.models import AnonymousUser

    # Beside a topic everyone may see: the answer is about this topic, not any topic.
    public = make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=owner_a, subject="公开")
    assert sees(AnonymousUser(), public)
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


def _post_make(*, topic, poster, subject, approved=True):
    from machina.apps.forum_conversation.models import Post

    return Post.objects.create(
        topic=topic, poster=poster, subject=subject, content="内容", approved=approved
    )


def test_an_unapproved_post_is_seen_by_its_author_and_moderators_only(
    boards, member, owner_a, moderator
):
    from django.contrib.auth.models import AnonymousUser
    from machina.apps.forum_conversation.models import Post

    from forum.permissions import ClubPermissionHandler
    from forum.visibility import can_see_post, post_visibility_q

    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=owner_a, subject="公开")
    shown = topic.first_post
    waiting = _post_make(topic=topic, poster=member, subject="待审回复", approved=False)

    def listed(user):
        return set(Post.objects.filter(post_visibility_q(user=user), topic=topic))

    def direct(user, post):
        return can_see_post(user=user, post=post, permission_handler=ClubPermissionHandler())

    assert listed(member) == {shown, waiting}
    assert listed(moderator) == {shown, waiting}
    assert listed(owner_a) == {shown}
    assert listed(AnonymousUser()) == {shown}
    assert direct(member, waiting) and direct(moderator, waiting)
    assert not direct(owner_a, waiting)
    assert not direct(AnonymousUser(), waiting)
    assert direct(owner_a, shown) and direct(AnonymousUser(), shown)


def test_a_post_follows_its_topics_rules_and_its_board(
    boards, private_complaint, member, owner_a, project_a, moderator
):
    from machina.apps.forum_conversation.models import Post

    from forum.permissions import ClubPermissionHandler
    from forum.visibility import can_see_post, post_visibility_q

    reply = _post_make(topic=private_complaint, poster=owner_a, subject="回复")
    owners_topic = make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="议事")

    def direct(user, post):
        return can_see_post(user=user, post=post, permission_handler=ClubPermissionHandler())

    def listed(user):
        return set(Post.objects.filter(post_visibility_q(user=user), topic=private_complaint))

    # The complaint's own reply by someone else, approved, stays with the complaint's readers.
    assert direct(member, reply) and direct(staff_of("property"), reply)
    assert direct(moderator, reply)
    assert not direct(staff_of("engineering"), reply)
    assert listed(member) == {private_complaint.first_post, reply}
    assert listed(staff_of("engineering")) == set()
    assert listed(moderator) == {private_complaint.first_post, reply}
    # An owners' board: its owners read its posts, a plain member does not.
    assert direct(owner_a, owners_topic.first_post)
    assert not direct(member, owners_topic.first_post)


def test_the_post_rule_applies_through_a_prefix(boards, member, owner_a, moderator):
    from machina.apps.forum_conversation.models import Topic

    from forum.visibility import post_visibility_q

    public = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=owner_a, subject="公开")
    waiting = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=owner_a, subject="另一")
    waiting_reply = _post_make(topic=waiting, poster=member, subject="待审", approved=False)
    # machina points last_post at approved posts only; point it at the waiting reply here.
    Topic.objects.filter(pk=waiting.pk).update(last_post=waiting_reply)

    def topics_whose_last_post_is_seen(user):
        rule = post_visibility_q(user=user, prefix="last_post__")
        return set(Topic.objects.filter(rule).values_list("subject", flat=True))

    assert topics_whose_last_post_is_seen(owner_a) == {public.subject}
    assert topics_whose_last_post_is_seen(member) == {public.subject, waiting.subject}
    assert topics_whose_last_post_is_seen(moderator) == {public.subject, waiting.subject}


def test_own_hidden_topics_are_the_authors_unapproved_or_staff_only_ones(
    boards, private_complaint, member, owner_a
):
    from django.contrib.auth.models import AnonymousUser

    from forum.visibility import own_hidden_topics_exist

    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=owner_a, subject="公开")
    assert own_hidden_topics_exist(user=member)  # the private complaint
    assert not own_hidden_topics_exist(user=owner_a)  # public and approved only
    assert not own_hidden_topics_exist(user=AnonymousUser())

    waiting = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=owner_a, subject="待审")
    waiting.approved = False
    waiting.save()
    assert own_hidden_topics_exist(user=owner_a)


def test_readable_boards_are_the_same_sorted_list_from_either_handler(boards, owner_a, project_a):
    from forum.permissions import ClubPermissionHandler
    from forum.visibility import readable_forum_ids

    plain = readable_forum_ids(user=owner_a, permission_handler=PermissionHandler())
    club = readable_forum_ids(user=owner_a, permission_handler=ClubPermissionHandler())
    # The club's handler answers sorted; a plain one in the board tree's order.
    assert sorted(plain) == club == sorted(club)
    assert isinstance(club, list)
    assert project_a.owners_board.forum.pk in club
    assert boards[Board.Kind.MUTUAL_HELP].forum.pk in club
    member_ids = readable_forum_ids(
        user=UserFactory(username="x"), permission_handler=PermissionHandler()
    )
    assert project_a.owners_board.forum.pk not in member_ids


def test_a_superuser_is_a_moderator_and_a_visitor_never_is(boards, member):
    from django.contrib.auth.models import AnonymousUser

    from forum.visibility import is_moderator, staff_department_ids

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert is_moderator(root)
    assert not is_moderator(member)
    assert not is_moderator(AnonymousUser())
    assert staff_department_ids(AnonymousUser()) == frozenset()
    property_ids = staff_department_ids(staff_of("property"))
    assert property_ids == {Department.objects.get(code="property").pk}
