"""Topic views counted in batches (machina counts each view with an UPDATE of the topic row).

Every topic page a member or a visitor opens counts a view (machina's ``topic_viewed``): one
write on every page, the commonest page of the forum, and contention on a busy topic's row. The
views are counted instead in the worker's memory and written at most every
``FORUM_VIEW_COUNT_SECONDS`` (10 by default), one UPDATE per distinct number of new views, by
the first view after that time, and when the worker exits. Views counted by a worker that is
killed outright in the meantime are lost: a count, never a page or a post. 0 writes each view at
once, as machina does (the tests' setting).

A topic's view count shows on board pages, kept up to PAGE_CACHE_SECONDS and
MEMBER_PAGE_CACHE_SECONDS anyway; the batch adds up to FORUM_VIEW_COUNT_SECONDS to that.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from machina.apps.forum_conversation.models import Topic

# Flush sooner when this many topics wait, whatever the time.
PENDING_TOPICS_MAX = 5000

_lock = threading.Lock()
_pending: Counter[int] = Counter()
_last_flush = time.monotonic()


def _write(counts: dict[int, int]) -> None:
    by_views: dict[int, list[int]] = defaultdict(list)
    for topic_id, views in counts.items():
        by_views[views].append(topic_id)
    with transaction.atomic():
        for views, topic_ids in sorted(by_views.items()):
            Topic.objects.filter(pk__in=sorted(topic_ids)).update(
                views_count=F("views_count") + views
            )


def topic_view_count(*, topic_id: int) -> None:
    """One more view of the topic: written now or with the next batch."""
    global _last_flush
    if settings.FORUM_VIEW_COUNT_SECONDS <= 0:
        _write({topic_id: 1})
        return
    with _lock:
        _pending[topic_id] += 1
        due = (
            time.monotonic() - _last_flush >= settings.FORUM_VIEW_COUNT_SECONDS
            or len(_pending) >= PENDING_TOPICS_MAX
        )
    if due:
        view_counts_flush()


def view_counts_flush() -> int:
    """Write the views counted so far; the number of topics written."""
    global _last_flush
    with _lock:
        counts = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not counts:
        return 0
    try:
        _write(counts)
    except Exception:
        with _lock:  # kept for the next batch
            _pending.update(counts)
        raise
    return len(counts)


def _flush_at_exit() -> None:
    # A worker going away must not fail for a count.
    with contextlib.suppress(Exception):
        view_counts_flush()


atexit.register(_flush_at_exit)


def update_topic_counter(sender, topic, user, request, response, **kwargs):
    """Receiver of machina's ``topic_viewed``, in place of machina's own (apps.py)."""
    topic_view_count(topic_id=topic.pk)
