"""Counts of cases kept between requests under the cases' version.

The triage queue counts its open cases (50,000 at the benchmark's scale) and the header counts
the cases waiting for the reader (``forum/cases/navigation.py``) on every staff page: two
``COUNT(*)`` over the open cases, each a scan of tens of thousands of index entries. Both
change only when a case does. So each count is kept in the default cache under the cases'
version, replaced whenever a case is saved or deleted, a department saved or a user deleted
(``forum/cases/receivers.py``), or cases are written without signals (the load data): a kept
count is used only while the version it was computed under is still the version, so a change
shows on the next request.

A count is named by what it counts (``count_name``: the queue, its department, every filter's
value, the reader for "mine"), never by the reader alone. Counts that depend on the clock
(the "due soon" and "overdue" filters) are never kept. The counts a page will need are read
together (``case_counts_prefetch``: one round trip for the queue's total and the header's).

``FORUM_QUEUE_COUNTS_CACHE`` (on by default) switches the keeping off, to compare.
"""

import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache

from forum.permissions_version import version_replace_now_and_after_commit
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
    version_replace_now_and_after_commit(CASES_VERSION_KEY)


def _keeping() -> bool:
    return getattr(settings, "FORUM_QUEUE_COUNTS_CACHE", True)


def count_name(*parts) -> str:
    """A count's name from what decides what it counts (values with a stable ``repr``)."""
    return content_digest(*parts)


def _memo(user) -> dict:
    """This request's version and the kept counts read so far (on the user object)."""
    memo = getattr(user, "_kept_case_counts", None)
    if memo is None:
        memo = {"version": None, "found": {}}
        user._kept_case_counts = memo
    return memo


def case_counts_prefetch(user, names: Iterable[str]) -> None:
    """Read the version and the named counts in one round trip, for ``case_count`` to find."""
    if not _keeping():
        return
    memo = _memo(user)
    keys = {f"{COUNT_KEY_PREFIX}{name}": name for name in names if name not in memo["found"]}
    wanted = list(keys) if memo["version"] is not None else [CASES_VERSION_KEY, *keys]
    found = cache.get_many(wanted)
    if memo["version"] is None:
        memo["version"] = found.get(CASES_VERSION_KEY)
        if memo["version"] is None:
            # An empty cache (a restart, a flush): start a version.
            cache.add(CASES_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            memo["version"] = cache.get(CASES_VERSION_KEY)
    for key, name in keys.items():
        stored = found.get(key)
        memo["found"][name] = (
            stored[1] if stored is not None and stored[0] == memo["version"] else None
        )


def case_count(
    *, user, name: str | None, compute: Callable[[], int], depends_on_clock: bool = False
) -> int:
    """``compute()``, kept under the cases' version as ``name`` (not with the clock's filters,
    nor without a name)."""
    if name is None or depends_on_clock or not _keeping():
        return compute()
    memo = _memo(user)
    if name not in memo["found"]:
        case_counts_prefetch(user, [name])
    value = memo["found"][name]
    if value is None:
        value = compute()
        memo["found"][name] = value
        # Kept under the version read before counting: a change committed meanwhile has
        # replaced it, so this count is never read again.
        if memo["version"] is not None:
            cache.set(f"{COUNT_KEY_PREFIX}{name}", (memo["version"], value), timeout=COUNTS_TIMEOUT)
    return value
