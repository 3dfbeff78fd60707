"""Rebuilding an index from the database (``search_reindex``): every source read in batches
beside the writing, resumable from a checkpoint; whatever changed meanwhile goes through the
queue again."""

from __future__ import annotations

import logging
import queue
import threading

from django.db import connection
from machina.apps.forum_conversation.models import Post

from search.backends import get_backend
from search.backends.base import SearchBackend
from search.queue import index_enqueue
from search.services import BATCH

logger = logging.getLogger(__name__)

SOURCES = ("post", "page", "merchant")


def _source_total(source: str, after: int) -> int:
    from wagtail.models import Page

    from search.documents import indexed_pages_q, merchants_total_after

    if source == "post":
        return Post.objects.filter(pk__gt=after).count()
    if source == "merchant":
        return merchants_total_after(after)
    return Page.objects.filter(indexed_pages_q(), pk__gt=after).count()


def _source_batch(source: str, after: int, size: int):
    from search.documents import (
        merchant_documents_after,
        page_documents_after,
        post_documents_after,
    )

    if source == "post":
        return post_documents_after(after, size)
    if source == "merchant":
        return merchant_documents_after(after, size)
    return page_documents_after(after, size)


class _BatchWriter:
    """Writes a rebuild's prepared batches and then advances its checkpoint.

    In a thread of its own (with its own database connection) when the rebuild is not inside a
    transaction and the database is not SQLite: the writes wait on the engine, which works on
    the other core meanwhile, while the caller reads and segments the next batch. Inline
    otherwise. A batch is acknowledged (checkpoint saved) only after it is written.
    """

    def __init__(self, backend: SearchBackend, checkpoint, *, threaded: bool):
        self.backend = backend
        self.checkpoint = checkpoint
        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, daemon=True) if threaded else None
        if self.thread is not None:
            self.thread.start()

    def put(self, source: str, last_id: int, prepared, count: int) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            self._write(source, last_id, prepared, count)
        else:
            self.queue.put((source, last_id, prepared, count))

    def _write(self, source: str, last_id: int, prepared, count: int) -> None:
        self.backend.rebuild_index(self.checkpoint.target, prepared)
        self.checkpoint.source, self.checkpoint.last_id = source, last_id
        self.checkpoint.done += count
        self.checkpoint.save(update_fields=["source", "last_id", "done"])

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(*item)
                    except BaseException as error:  # noqa: BLE001 - re-raised by the caller
                        self.error = error
        finally:
            connection.close()

    def close(self) -> None:
        """Wait for every batch handed over to be written; raise what the writer raised."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error


def index_rebuild(
    *, backend: SearchBackend | None = None, resume: bool = True, batch: int = BATCH, progress=None
) -> dict[str, int]:
    """Rebuild the index from the database into a new generation, then make it live.

    A checkpoint row records the last id written, so an interrupted rebuild resumes where it
    stopped (`resume=False` starts over). Changes made while it runs are queued again at the end.
    """
    from search.models import ReindexCheckpoint

    backend = backend or get_backend()
    checkpoint = ReindexCheckpoint.objects.filter(backend=backend.name).first()
    resumed = bool(checkpoint and resume)
    if not resumed:
        if checkpoint is not None:
            checkpoint.delete()
        checkpoint = ReindexCheckpoint(backend=backend.name, source=SOURCES[0], last_id=0)
        checkpoint.target = backend.rebuild_begin()
        checkpoint.full_clean()
        checkpoint.save()
    else:
        backend.rebuild_begin(resume_target=checkpoint.target)
    summary = {"post": 0, "page": 0, "merchant": 0, "skipped": 0, "resumed": int(resumed)}
    threaded = connection.vendor != "sqlite" and not connection.in_atomic_block
    writer = _BatchWriter(backend, checkpoint, threaded=threaded)
    try:
        after = checkpoint.last_id
        for source in SOURCES[SOURCES.index(checkpoint.source) :]:
            if source != checkpoint.source:
                after = 0
            if progress is not None:
                progress.reset(total=_source_total(source, after))
                progress.set_description(source)
            while True:
                rows = _source_batch(source, after, batch)
                if not rows:
                    break
                documents = [document for _pk, document in rows if document is not None]
                after = rows[-1][0]
                writer.put(source, after, backend.rebuild_prepare(documents), len(documents))
                summary[source] += len(documents)
                summary["skipped"] += len(rows) - len(documents)
                if progress is not None:
                    progress.update(len(rows))
    finally:
        writer.close()
    backend.rebuild_finish(checkpoint.target)
    # Whatever changed while the rebuild read the database goes through the queue again.
    changed = Post.objects.filter(updated__gte=checkpoint.started_at).values_list("pk", flat=True)
    index_enqueue(object_kind="post", object_ids=list(changed))
    checkpoint.delete()
    return summary
