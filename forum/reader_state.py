"""What a member's page shows that is theirs alone, kept per reader between requests.

A member's topic or board page served kept (portal.pagecache.members) still draws the reader's
own parts every time: the header's unread notifications, whether they follow the topic, which
topics of a list they have not read. Each of those was a query on every page. They change only
when something of that reader's changes, so they are kept in the default cache per reader, each
part under a version of its own that such a change replaces (now, and again once the
transaction commits: a request that read the rows before the commit must not keep them under the
version set now):

- ``notifications``: the unread count. Replaced by any save or delete of the reader's
  notifications (forum/boards/receivers.py) and by the bulk writes of forum.boards.notifications.
- ``subscriptions``: the ids of the topics they follow. Replaced by any change of the topic
  subscribers table for them (machina's subscribe and unsubscribe views, the authors' own
  subscription, a topic's subscribers cleared).
- ``reads``: their read marks as answers: the topics known read through a given last post
  (``read_through``), and the unread rows of the topic lists they were shown. Replaced by any save
  or delete of their topic or board read marks (machina's tracking models).

One round trip reads every part's version and value, once per request (kept on the user
object); a part that changed or was never kept is computed from the database and kept. An entry
is only ever read for its own reader. ``FORUM_READER_STATE_CACHE`` (on by default) switches the
keeping off, to compare. Rows changed in the database by hand show within ``STATE_TIMEOUT``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from forum.permissions_version import version_replace_now_and_after_commit

KEY_PREFIX = "forum:reader-state:"
PARTS = ("notifications", "subscriptions", "reads")
STATE_TIMEOUT = 3600
# Bounds of the ``reads`` part: topics known read, topic lists' answers.
READ_THROUGH_MAX = 1000
UNREAD_ANSWERS_MAX = 50
_MEMO_ATTRIBUTE = "_forum_reader_state"


def _keeping() -> bool:
    return getattr(settings, "FORUM_READER_STATE_CACHE", True)


def _version_key(part: str, user_id: int) -> str:
    return f"{KEY_PREFIX}{part}:version:{user_id}"


def _value_key(part: str, user_id: int) -> str:
    return f"{KEY_PREFIX}{part}:{user_id}"


def reader_state_changed(*, user_id: int | None, part: str) -> None:
    """The reader's kept ``part`` is stale: now, and again after the commit."""
    if user_id is None:
        return
    if part not in PARTS:
        raise ValueError(f"No part of a reader's state is called {part!r}")
    version_replace_now_and_after_commit(_version_key(part, user_id), STATE_TIMEOUT)
    memo = _read_here().get(user_id)
    if memo is not None:
        memo.pop(part, None)  # read again if asked again in this request


# The parts read by this thread, by reader (each also on its user object: _memo), so that a
# change made after they were read drops them; emptied at the end of every request.
_local = threading.local()
_READ_HERE_MAX = 1000


def _read_here() -> dict[int, dict]:
    found = getattr(_local, "memos", None)
    if found is None or len(found) > _READ_HERE_MAX:
        found = _local.memos = {}
    return found


def reader_state_forget_read(**kwargs) -> None:
    """Connected to request_finished (forum/boards/apps.py)."""
    _local.memos = {}


def reader_state_keys(user) -> list[str]:
    """The cache keys the reader's parts are read from (to read them with others: _memo)."""
    return [
        key for part in PARTS for key in (_version_key(part, user.pk), _value_key(part, user.pk))
    ]


def reader_state_prefetched(user, found: dict) -> None:
    """The reader's parts for this request from ``found`` (their keys read with others)."""
    if _keeping() and getattr(user, _MEMO_ATTRIBUTE, None) is None:
        _memo(user, found)


def _memo(user, found: dict | None = None) -> dict:
    """Every part's (version, kept value) for this request, read in one round trip."""
    memo = getattr(user, _MEMO_ATTRIBUTE, None)
    if memo is None:
        found = cache.get_many(reader_state_keys(user)) if found is None else dict(found)
        missing = [part for part in PARTS if _version_key(part, user.pk) not in found]
        for part in missing:
            cache.add(_version_key(part, user.pk), uuid.uuid4().hex, timeout=STATE_TIMEOUT)
        if missing:
            found.update(cache.get_many([_version_key(part, user.pk) for part in missing]))
        memo = {}
        for part in PARTS:
            version = found.get(_version_key(part, user.pk))
            stored = found.get(_value_key(part, user.pk))
            valid = stored is not None and version is not None and stored[0] == version
            memo[part] = (version, stored[1] if valid else None)
        setattr(user, _MEMO_ATTRIBUTE, memo)
        _read_here()[user.pk] = memo
    return memo


def _part(user, part: str) -> tuple[str | None, object]:
    memo = _memo(user)
    if part not in memo:  # dropped by a change in this request: read again
        version_key, value_key = _version_key(part, user.pk), _value_key(part, user.pk)
        found = cache.get_many([version_key, value_key])
        version, stored = found.get(version_key), found.get(value_key)
        valid = stored is not None and version is not None and stored[0] == version
        memo[part] = (version, stored[1] if valid else None)
    return memo[part]


def _keep(user, part: str, version: str | None, value) -> None:
    if version is not None:
        cache.set(_value_key(part, user.pk), (version, value), timeout=STATE_TIMEOUT)
    _memo(user)[part] = (version, value)


def reader_state(user, part: str, compute: Callable[[], object]):
    """The reader's ``part``: kept, or computed and kept."""
    if not _keeping():
        return compute()
    version, value = _part(user, part)
    if value is None:
        value = compute()
        _keep(user, part, version, value)
    return value


# --- reads: what the reader's read marks answered ------------------------------------------


def _reads(user) -> tuple[str | None, dict]:
    version, value = _part(user, "reads")
    return version, value if value is not None else {"through": {}, "unread": {}}


def read_through_known(user, *, topic_id: int, forum_id: int, last_post_on) -> bool:
    """Is the topic known read by this reader through its last post (machina's rule answered
    before, since no read mark of theirs changed)?"""
    if not _keeping() or not user.is_authenticated:
        return False
    _version, reads = _reads(user)
    return reads["through"].get(topic_id) == (forum_id, last_post_on)


def read_through_remember(user, *, topic_id: int, forum_id: int, last_post_on) -> None:
    """The reader has read the topic through its last post (its read mark is set)."""
    if not _keeping() or not user.is_authenticated:
        return
    version, reads = _reads(user)
    through = dict(reads["through"])
    if len(through) >= READ_THROUGH_MAX:
        through.clear()
    through[topic_id] = (forum_id, last_post_on)
    _keep(user, "reads", version, {"through": through, "unread": reads["unread"]})


def unread_answer(user, question: str, compute: Callable[[], frozenset]) -> frozenset:
    """The unread rows of a topic list (``question``: what the rows are, e.g. their ids, boards
    and last posts), kept until a read mark of the reader changes."""
    if not _keeping() or not user.is_authenticated:
        return compute()
    version, reads = _reads(user)
    answer = reads["unread"].get(question)
    if answer is None:
        answer = frozenset(compute())
        unread = dict(reads["unread"])
        if len(unread) >= UNREAD_ANSWERS_MAX:
            unread.clear()
        unread[question] = answer
        _keep(user, "reads", version, {"through": reads["through"], "unread": unread})
    return answer
