"""machina's per-board answers, narrowed by the topic-level rules (forum.permissions)."""

from django.contrib.auth.models import AnonymousUser, Group
from machina.apps.forum.models import Forum
from machina.apps.forum_permission.models import ForumPermission, UserForumPermission
from machina.core.db.models import get_model

from forum.boards.models import Board
from forum.boards.services import forum_permissions_set
from forum.permissions import ClubPermissionHandler
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import private_complaint_make

TopicPoll = get_model("forum_polls", "TopicPoll")


def test_one_handler_answers_each_reader_of_a_private_complaint_for_themselves(
    boards, complainant, owner_a, moderator
):
    topic = private_complaint_make(boards=boards, poster=complainant)
    handler = ClubPermissionHandler()

    assert handler.can_see_topic(topic, complainant)
    assert not handler.can_see_topic(topic, owner_a)
    assert not handler.can_see_topic(topic, AnonymousUser())
    assert handler.can_see_topic(topic, moderator)
    # asked again, from the handler's memory: still each their own answer
    assert handler.can_see_topic(topic, complainant)
    assert not handler.can_see_topic(topic, owner_a)


def test_replying_and_subscribing_need_the_topic_not_only_the_board(boards, complainant, owner_a):
    topic = private_complaint_make(boards=boards, poster=complainant)
    public = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=complainant, subject="公开投诉"
    )
    handler = ClubPermissionHandler()

    assert handler.can_add_post(topic, complainant)
    assert handler.can_subscribe_to_topic(topic, complainant)
    assert handler.can_add_post(public, owner_a)
    assert handler.can_subscribe_to_topic(public, owner_a)
    assert not handler.can_add_post(topic, owner_a)
    assert not handler.can_subscribe_to_topic(topic, owner_a)


def test_board_wide_edit_and_delete_rights_stop_at_a_topic_the_user_may_not_see(
    boards, complainant
):
    topic = private_complaint_make(boards=boards, poster=complainant)
    post = topic.posts.get()
    editors = Group.objects.create(name="投诉版编辑")
    forum_permissions_set(
        codenames=("can_edit_posts", "can_delete_posts"),
        forum=boards[Board.Kind.COMPLAINTS].forum,
        group=editors,
    )
    editor = UserFactory(username="editor")
    editor.groups.add(editors)
    handler = ClubPermissionHandler()

    assert not handler.can_edit_post(post, editor)
    assert not handler.can_delete_post(post, editor)
    assert handler.can_edit_post(post, complainant)
    public = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=complainant, subject="公开投诉"
    )
    assert handler.can_edit_post(public.posts.get(), editor)
    assert handler.can_delete_post(public.posts.get(), editor)


def test_voting_needs_the_topic(boards, complainant, owner_a):
    topic = private_complaint_make(boards=boards, poster=complainant)
    poll = TopicPoll.objects.create(topic=topic, question="满意吗？", max_options=1)
    forum_permissions_set(
        codenames=("can_vote_in_polls",),
        forum=boards[Board.Kind.COMPLAINTS].forum,
        authenticated=True,
    )
    handler = ClubPermissionHandler()

    assert handler.can_vote_in_poll(poll, complainant)
    assert not handler.can_vote_in_poll(poll, owner_a)


def test_only_a_subscriber_may_unsubscribe(boards, complainant, owner_a):
    topic = private_complaint_make(boards=boards, poster=complainant)
    topic.subscribers.add(complainant)
    handler = ClubPermissionHandler()

    assert handler.can_unsubscribe_from_topic(topic, complainant)
    assert not handler.can_unsubscribe_from_topic(topic, owner_a)
    assert not handler.can_unsubscribe_from_topic(topic, AnonymousUser())


def _grant_approval(**who):
    UserForumPermission.objects.create(
        permission=ForumPermission.objects.get(codename="can_approve_posts"),
        forum=Forum.objects.filter(type=Forum.FORUM_POST).first(),
        has_perm=True,
        **who,
    )


def test_the_moderation_queue_for_a_user_granted_approval_by_name(boards, member):
    other = UserFactory(username="other")
    _grant_approval(user=member)

    assert ClubPermissionHandler().can_access_moderation_queue(member)
    assert not ClubPermissionHandler().can_access_moderation_queue(other)


def test_the_moderation_queue_when_every_member_may_approve(boards, member):
    _grant_approval(authenticated_user=True)

    assert ClubPermissionHandler().can_access_moderation_queue(member)
    assert not ClubPermissionHandler().can_access_moderation_queue(AnonymousUser())


def test_the_moderation_queue_when_visitors_may_approve(boards, member):
    handler = ClubPermissionHandler()
    assert not handler._may_be_granted(AnonymousUser(), "can_approve_posts")

    _grant_approval(anonymous_user=True)

    assert handler._may_be_granted(AnonymousUser(), "can_approve_posts")
    assert not handler._may_be_granted(member, "can_approve_posts")


def test_a_default_grant_for_members_counts_for_members_only(boards, member, settings):
    settings.MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS = ["can_approve_posts"]
    handler = ClubPermissionHandler()

    assert handler._may_be_granted(member, "can_approve_posts")
    assert not handler._may_be_granted(member, "can_lock_topics")
    assert not handler._may_be_granted(AnonymousUser(), "can_approve_posts")


def test_a_superuser_sees_every_board_and_a_member_not_an_owners_board(
    boards, project_a, member, owner_a, staff_admin
):
    handler = ClubPermissionHandler()
    owners = project_a.owners_board.forum.pk
    every = set(Forum.objects.values_list("pk", flat=True))

    assert handler.get_readable_forum_ids(staff_admin) == every
    assert owners not in handler.get_readable_forum_ids(member)
    assert owners in handler.get_readable_forum_ids(owner_a)
    assert set(handler.get_listable_forums(Forum.objects.all(), staff_admin)) == set(
        Forum.objects.all()
    )
    listable = {f.pk for f in handler.get_listable_forums(Forum.objects.all(), member)}
    assert boards[Board.Kind.MUTUAL_HELP].forum.pk in listable
    assert owners in listable


def test_a_board_in_a_hidden_category_is_neither_listed_nor_readable(boards, member):
    help_forum = boards[Board.Kind.MUTUAL_HELP].forum
    category = help_forum.parent
    handler = ClubPermissionHandler()
    assert help_forum in handler.get_listable_forums(Forum.objects.all(), member)
    assert help_forum.pk in handler.get_readable_forum_ids(member)

    forum_permissions_set(
        codenames=("can_see_forum", "can_read_forum"),
        granted=False,
        forum=category,
        authenticated=True,
    )

    handler = ClubPermissionHandler()
    listable = set(handler.get_listable_forums(Forum.objects.all(), member))
    assert category not in listable
    assert help_forum not in listable
    assert help_forum.pk not in handler.get_readable_forum_ids(member)


def test_denied_or_other_grants_keep_the_moderation_queue_shortcut(
    boards, member, django_assert_max_num_queries
):
    from machina.apps.forum_permission.models import GroupForumPermission

    group = Group.objects.create(name="互助热心组")
    member.groups.add(group)
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    approve = ForumPermission.objects.get(codename="can_approve_posts")
    GroupForumPermission.objects.create(
        permission=approve, group=group, forum=forum, has_perm=False
    )
    UserForumPermission.objects.create(permission=approve, user=member, forum=forum, has_perm=False)
    GroupForumPermission.objects.create(
        permission=ForumPermission.objects.get(codename="can_lock_topics"),
        group=group,
        forum=forum,
        has_perm=True,
    )
    handler = ClubPermissionHandler()

    with django_assert_max_num_queries(2):
        assert not handler.can_access_moderation_queue(member)
    assert not handler._may_be_granted(member, "can_approve_posts")
    assert handler._may_be_granted(member, "can_lock_topics")


def test_a_visitors_moderation_queue_shortcut_counts_only_granted_visitor_rows(
    boards, member, django_assert_max_num_queries
):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    approve = ForumPermission.objects.get(codename="can_approve_posts")
    UserForumPermission.objects.create(
        permission=approve, anonymous_user=True, forum=forum, has_perm=False
    )
    UserForumPermission.objects.create(permission=approve, user=member, forum=forum, has_perm=True)
    handler = ClubPermissionHandler()

    with django_assert_max_num_queries(1):
        assert not handler.can_access_moderation_queue(AnonymousUser())
    assert not handler._may_be_granted(AnonymousUser(), "can_approve_posts")
    UserForumPermission.objects.filter(anonymous_user=True).update(has_perm=True)
    assert handler._may_be_granted(AnonymousUser(), "can_approve_posts")
