"""Who is offered the moderation queue: the shortcut (no grant of can_approve_posts anywhere
means no) gives machina's own answer."""

from django.contrib.auth.models import AnonymousUser, Group
from machina.apps.forum_permission.models import ForumPermission, GroupForumPermission

from forum.permissions import ClubPermissionHandler
from tests.factories import UserFactory


def _handler_answer(user) -> bool:
    return ClubPermissionHandler().can_access_moderation_queue(user)


def test_a_moderator_is_offered_the_queue(moderator):
    assert _handler_answer(moderator)


def test_a_plain_member_and_a_visitor_are_not(boards, member):
    assert not _handler_answer(member)
    assert not _handler_answer(AnonymousUser())


def test_a_member_whose_group_may_approve_on_one_board_is(boards, member):
    group = Group.objects.create(name="互助版主")
    member.groups.add(group)
    forum = next(iter(boards.values())).forum
    GroupForumPermission.objects.create(
        permission=ForumPermission.objects.get(codename="can_approve_posts"),
        group=group,
        forum=forum,
        has_perm=True,
    )
    assert _handler_answer(member)
    assert not _handler_answer(UserFactory(username="other"))


def test_the_shortcut_costs_at_most_two_queries_for_a_member(
    boards, member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert not _handler_answer(member)
