"""Counts of cases kept between requests under the cases' version.

The triage queue counts its open cases (50,000 at the benchmark's scale) and the header counts
the cases waiting for the reader (``forum/cases/navigation.py``) on every staff page: two
``COUNT(*)`` over the open cases, each a scan of tens of thousands of index entries. Both
change only when a case does. So each count is kept in the default cache under the cases'
version, replaced whenever a case is saved or deleted (``forum/cases/receivers.py``) or cases
are written without signals (the load data): a kept count is used only while the version it
was computed under is still the version, so a change shows on the next request.

A count is named by the query it counts (its SQL and parameters): two queries that count the
same rows share it, and a query that differs in any filter has its own. Counts of queries that
depend on the clock (the "due soon" and "overdue" filters) are never kept.

``FORUM_QUEUE_COUNTS_CACHE`` (on by default) switches the keeping off, to compare.
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from portal.fragments import content_digest

CASES_VERSION_KEY = "cases:counts:version"
COUNT_KEY_PREFIX = "cases:count:"
# Bounds what the cache keeps of filters nobody uses again; a count is one query to rebuild.
COUNTS_TIMEOUT = 3600


def cases_changed() -> None:
    """Make every kept count stale: now, and again once the transaction commits.

    Now, so that the rest of this transaction (and a test's) sees the change; after the commit,
    so that a count computed by another request from the rows before the commit, under the
    version set now, is not kept either.
    """
    _version_replace()
    transaction.on_commit(_version_replace)


def _version_replace() -> None:
    cache.set(CASES_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _kept(name: str, compute: Callable[[], int]) -> int:
    key = f"{COUNT_KEY_PREFIX}{name}"
    found = cache.get_many([CASES_VERSION_KEY, key])
    version = found.get(CASES_VERSION_KEY)
    if version is None:
        # An empty cache (a restart, a flush): start a version.
        cache.add(CASES_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CASES_VERSION_KEY)
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1]
    value = compute()
    # Kept under the version read before counting: a change committed meanwhile has replaced
    # it, so this count is never read again.
    if version is not None:
        cache.set(key, (version, value), timeout=COUNTS_TIMEOUT)
    return value


def case_count(queryset: QuerySet, *, depends_on_clock: bool = False) -> int:
    """``queryset.count()``, kept under the cases' version (unless it depends on the clock)."""
    if depends_on_clock or not getattr(settings, "FORUM_QUEUE_COUNTS_CACHE", True):
        return queryset.count()
    sql, params = queryset.order_by().query.sql_with_params()
    return _kept(content_digest(queryset.model._meta.label, sql, params), queryset.count)
