"""What a reader's roles are, kept between requests under the permissions version.

Every member's page asks the same questions about the reader, each a query: are they a
moderator (a group), which departments' staff are they (their groups), which departments do
they head, were they given a board permission personally, could they be granted the approval
right. The answers follow the reader's groups, the grants, the departments' staff groups and
heads, all of which replace the permissions version (forum.permissions_version, connected in
forum/boards/receivers.py). So they are kept in the default cache, one entry per
user holding the answers computed so far with the version they were computed under: read once
per request (with the version, one round trip), written when an answer was added. An entry
holds only answers about its own user and is read only for that user.

Kept only with ``FORUM_PERMISSION_CACHE`` (on by default); off, each answer is computed afresh
(once per request, on the user object).
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from forum.permissions_version import PERMISSIONS_TIMEOUT, PERMISSIONS_VERSION_KEY

FACTS_KEY_PREFIX = "forum:reader-facts:"


def _key(user) -> str:
    return f"{FACTS_KEY_PREFIX}{user.pk}"


def reader_facts_keys(user) -> list[str]:
    """The cache keys the user's entry is read from (to read them with others: _entry)."""
    return [_key(user), PERMISSIONS_VERSION_KEY]


def reader_facts_prefetched(user, found: dict) -> None:
    """The user's entry for this request from ``found`` (their keys read with others)."""
    if getattr(user, "_forum_reader_facts", None) is None:
        _entry(user, found)


def _entry(user, found: dict | None = None) -> dict:
    """The user's entry for this request (on the user object): {"version", "facts"}."""
    entry = getattr(user, "_forum_reader_facts", None)
    if entry is None:
        key = _key(user)
        if found is None:
            found = cache.get_many([key, PERMISSIONS_VERSION_KEY])
        version = found.get(PERMISSIONS_VERSION_KEY)
        if version is None:
            # An empty cache (a restart, a flush): start a version, as forum.permissions does,
            # or pages that ask no board permission (the personal center, the queues) would
            # keep nothing until the next grant change.
            cache.add(PERMISSIONS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(PERMISSIONS_VERSION_KEY)
        stored = found.get(key)
        valid = stored is not None and version is not None and stored[0] == version
        entry = {"key": key, "version": version, "facts": dict(stored[1]) if valid else {}}
        user._forum_reader_facts = entry
    return entry


def reader_fact(user, name: str, compute: Callable[[], object]):
    """The answer ``name`` about an authenticated ``user``: kept, or computed and kept."""
    if not getattr(settings, "FORUM_PERMISSION_CACHE", True):
        memo = getattr(user, "_forum_reader_facts_fresh", None)
        if memo is None:
            memo = {}
            user._forum_reader_facts_fresh = memo
        if name not in memo:
            memo[name] = compute()
        return memo[name]
    entry = _entry(user)
    if name not in entry["facts"]:
        entry["facts"][name] = compute()
        # Kept only under a version read before the answer was computed: a change committed
        # meanwhile has replaced that version, so the entry is never read again.
        if entry["version"] is not None:
            cache.set(entry["key"], (entry["version"], entry["facts"]), timeout=PERMISSIONS_TIMEOUT)
    return entry["facts"][name]
