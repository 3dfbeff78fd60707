"""Mutual help: the question's author or a moderator marks one reply as the accepted answer."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import AcceptedAnswer, Board
from forum.visibility import is_moderator
from portal.members.points import points_event_pay


def can_accept_answer(*, user, topic: Topic, permission_handler) -> bool:
    if not user.is_authenticated:
        return False
    board = getattr(topic.forum, "board", None)
    if board is None or board.kind != Board.Kind.MUTUAL_HELP:
        return False
    if not permission_handler.can_see_topic(topic, user):
        return False
    return topic.poster_id == user.pk or is_moderator(user)


@transaction.atomic
def answer_accept(*, post: Post, by, permission_handler) -> AcceptedAnswer:
    topic = post.topic
    if not can_accept_answer(user=by, topic=topic, permission_handler=permission_handler):
        raise PermissionDenied(_("Only the question's author or a moderator can accept an answer."))
    if not post.approved or topic.posts.order_by("created").first() == post:
        raise PermissionDenied(_("Only an approved reply can be the accepted answer."))
    AcceptedAnswer.objects.filter(topic=topic).delete()
    answer = AcceptedAnswer(topic=topic, post=post, accepted_by=by)
    answer.full_clean()
    answer.save()
    if post.poster_id and post.poster_id != topic.poster_id:
        # Paid once per reply (idempotent key), however often the answer is re-accepted.
        points_event_pay(
            member=post.poster,
            event="accepted_answer",
            source_key=f"post:{post.pk}",
            source=post,
        )
    return answer


@transaction.atomic
def answer_unaccept(*, topic: Topic, by, permission_handler) -> None:
    if not can_accept_answer(user=by, topic=topic, permission_handler=permission_handler):
        raise PermissionDenied(_("Only the question's author or a moderator can accept an answer."))
    AcceptedAnswer.objects.filter(topic=topic).delete()
