"""The permissions version: replaced whenever what a user's board permissions and roles are
computed from changes (grants, permissions, groups and who is in them, departments' staff groups
and heads). What is kept per user (forum.permissions, forum.reader_facts) is kept with the
version it was computed under and used only while that is still the version."""

import functools
import uuid

from django.core.cache import cache
from django.db import transaction

PERMISSIONS_VERSION_KEY = "forum:permissions:version"
# Bounds what a user's entry holds onto; it is rebuilt from a few queries.
PERMISSIONS_TIMEOUT = 24 * 3600


def version_replace(key: str, timeout: int | None = None) -> None:
    """Give the kept version under ``key`` a new random value: what was kept under the old one
    is never read again. ``timeout``: how long the version itself is kept (None: for ever)."""
    cache.set(key, uuid.uuid4().hex, timeout=timeout)


def version_replace_now_and_after_commit(key: str, timeout: int | None = None) -> None:
    """Replace the version now, and again once the transaction commits.

    Now, so that the rest of this transaction (and a test's) sees the change; after the commit,
    so that a value computed by another request from the rows before the commit, under the
    version set now, is not kept either.
    """
    version_replace(key, timeout)
    transaction.on_commit(functools.partial(version_replace, key, timeout))


def forum_permissions_changed() -> None:
    """Make every stored permission answer stale: now, and again once the transaction commits."""
    version_replace_now_and_after_commit(PERMISSIONS_VERSION_KEY)
