"""The hook from the forum into cases: the first post of a topic in a triage board opens one."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Board

logger = logging.getLogger(__name__)


def _enqueue_case_open(topic_id: int) -> None:
    from forum.cases.tasks import case_open_task

    try:
        case_open_task.enqueue(topic_id=topic_id)
    except Exception:
        # The post stands; `manage.py cases_tick` opens cases for topics that missed theirs.
        logger.exception("Could not enqueue case opening for topic %s", topic_id)


@receiver(post_save, sender=Post, dispatch_uid="cases_open_on_first_post")
def open_case_on_first_post(sender, instance: Post, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    topic_id = instance.topic_id
    if Post.objects.filter(topic_id=topic_id).exclude(pk=instance.pk).exists():
        return
    if not Board.objects.filter(
        forum_id=instance.topic.forum_id, kind__in=Board.TRIAGE_KINDS
    ).exists():
        return
    transaction.on_commit(lambda: _enqueue_case_open(topic_id))


@receiver(post_save, sender="cases.Case", dispatch_uid="cases_counts_on_save")
@receiver(post_delete, sender="cases.Case", dispatch_uid="cases_counts_on_delete")
@receiver(post_save, sender="cases.Department", dispatch_uid="cases_counts_on_department")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="cases_counts_on_user")
def cases_counts_stale(sender, **kwargs):
    """The queues' and the header's kept counts (forum/cases/counts.py) follow every case; a
    department's code (the triage queue filters by it) and a user's deletion (their cases lose
    their owner, an update without signals) change what the counts count too."""
    from forum.cases.counts import cases_changed

    cases_changed()
