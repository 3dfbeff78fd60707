"""Where changes enter the index: an IndexQueue row written in the changing transaction, and
after its commit the task that drains the queue (``search.tasks.search_index_pending``)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from search.models import IndexQueue
from search.tasks import search_index_pending

OBJECT_KINDS = ("post", "topic", "page", "merchant")


def index_enqueue(*, object_kind: str, object_ids: Iterable[int], action: str = "index") -> None:
    """Record that these objects changed; they reach the index after the commit."""
    if object_kind not in OBJECT_KINDS:
        raise ValueError(f"unknown object kind {object_kind!r}")
    now = timezone.now()
    rows = [
        IndexQueue(
            object_kind=object_kind,
            object_id=object_id,
            action=action,
            created_at=now,
            next_attempt_at=now,
        )
        for object_id in dict.fromkeys(object_ids)
    ]
    if not rows:
        return
    IndexQueue.objects.bulk_create(rows)
    transaction.on_commit(search_index_pending.enqueue, robust=True)
