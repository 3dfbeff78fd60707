"""Forum polls (machina): owners in their project's board, members in the community boards."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from machina.apps.forum_conversation.forum_polls.models import TopicPoll
from machina.core.loading import get_class

from forum.boards.models import Board
from forum.boards.services import owners_board_ensure
from tests.conftest import make_topic

PermissionHandler = get_class("forum_permission.handler", "PermissionHandler")


def poll_in(forum, poster):
    topic = make_topic(forum=forum, poster=poster, subject="选哪家物业？")
    return TopicPoll.objects.create(
        topic=topic, question="请选择", duration=7, max_options=1, created=timezone.now()
    )


def test_owners_create_and_vote_in_polls_of_their_own_board_only(
    boards, project_a, owner_a, owner_b, member
):
    board_a = owners_board_ensure(project=project_a).forum
    poll = poll_in(board_a, owner_a)

    assert PermissionHandler().can_create_polls(board_a, owner_a)
    assert PermissionHandler().can_vote_in_poll(poll, owner_a)
    for outsider in (owner_b, member, AnonymousUser()):
        assert not PermissionHandler().can_create_polls(board_a, outsider)
        assert not PermissionHandler().can_vote_in_poll(poll, outsider)


def test_members_create_polls_in_community_boards_but_not_in_complaints(boards, member):
    community = boards[Board.Kind.COMMUNITY].forum
    complaints = boards[Board.Kind.COMPLAINTS].forum
    poll = poll_in(community, member)

    assert PermissionHandler().can_create_polls(community, member)
    assert PermissionHandler().can_vote_in_poll(poll, member)
    assert not PermissionHandler().can_create_polls(complaints, member)
    assert not PermissionHandler().can_create_polls(community, AnonymousUser())
    assert not PermissionHandler().can_vote_in_poll(poll, AnonymousUser())


def test_a_closed_poll_takes_no_votes(boards, member):
    poll = poll_in(boards[Board.Kind.COMMUNITY].forum, member)
    TopicPoll.objects.filter(pk=poll.pk).update(created=timezone.now() - datetime.timedelta(days=8))
    poll.refresh_from_db()

    assert not PermissionHandler().can_vote_in_poll(poll, member)
