"""Keeping the index in step with the database: a durable queue drained by a background task.

Every change to a post, topic, page or merchant writes an IndexQueue row in the same
transaction as the change (``search.queue.index_enqueue``); after the commit a task
(``search.tasks``) drains the queue into the backend in bulk with ``queue_process`` here.
When the engine is down the rows stay, with the error and a later retry time, and posting is
not disturbed.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from machina.apps.forum_conversation.models import Post

from search.backends import get_backend
from search.backends.base import SearchBackend
from search.documents import (
    PAGE_DOCUMENT_KINDS,
    merchant_documents,
    page_documents,
    post_documents,
)
from search.models import DocumentKind, IndexQueue

logger = logging.getLogger(__name__)

BATCH = 500
MAX_BACKOFF = datetime.timedelta(hours=1)


def _backoff(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(minutes=2**attempts), MAX_BACKOFF)


def _apply(entries: list[IndexQueue], backend: SearchBackend) -> int:
    post_ids = {e.object_id for e in entries if e.object_kind == "post"}
    topic_ids = {e.object_id for e in entries if e.object_kind == "topic"}
    page_ids = {e.object_id for e in entries if e.object_kind == "page"}
    merchant_ids = {e.object_id for e in entries if e.object_kind == "merchant"}
    if topic_ids:
        post_ids |= set(Post.objects.filter(topic_id__in=topic_ids).values_list("pk", flat=True))
    written = 0
    post_list = sorted(post_ids)
    for start in range(0, len(post_list), BATCH):
        chunk = post_list[start : start + BATCH]
        documents = post_documents(chunk)
        written += backend.index(documents)
        gone = set(chunk) - {d.object_id for d in documents}
        if gone:
            backend.delete((DocumentKind.POST, pk) for pk in gone)
    if page_ids:
        documents, gone = page_documents(page_ids)
        written += backend.index(documents)
        if gone:
            backend.delete((kind, pk) for pk in gone for kind in PAGE_DOCUMENT_KINDS)
    if merchant_ids:
        documents, gone = merchant_documents(merchant_ids)
        written += backend.index(documents)
        if gone:
            backend.delete((DocumentKind.MERCHANT, pk) for pk in gone)
    return written


def queue_process(*, limit: int = 5000, ignore_backoff: bool = False) -> dict[str, int]:
    """Drain due queue entries into the backend; failures are kept for a later retry."""
    backend = get_backend()
    now = timezone.now()
    due = IndexQueue.objects.order_by("pk")
    if not ignore_backoff:
        due = due.filter(next_attempt_at__lte=now)
    entries = list(due[:limit])
    if not entries:
        return {"processed": 0, "indexed": 0, "failed": 0}
    try:
        written = _apply(entries, backend)
    except Exception as error:  # noqa: BLE001 - any engine failure is retried later
        logger.warning("search indexing failed, %s changes kept for retry: %s", len(entries), error)
        for entry in entries:
            entry.attempts += 1
            entry.last_error = f"{type(error).__name__}: {error}"[:2000]
            entry.next_attempt_at = now + _backoff(entry.attempts)
        IndexQueue.objects.bulk_update(entries, ["attempts", "last_error", "next_attempt_at"])
        return {"processed": 0, "indexed": 0, "failed": len(entries)}
    IndexQueue.objects.filter(pk__in=[e.pk for e in entries]).delete()
    return {"processed": len(entries), "indexed": written, "failed": 0}
