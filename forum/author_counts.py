"""Authors' post counts beside a topic's posts, as the reader may see them, kept between requests.

Each author's count is the number of their approved posts in topics the reader may see
(forum.visibility). Computing it reads every post of the page's authors (about 1,200 for a page
of 20 authors at 200,000 posts), a third of a member's topic page. The count depends on the
reader only through the rules of forum.visibility, so it is kept per *reader scope*:

- the boards the reader may read (machina's answer, itself kept under the permissions version);
- moderator or not (a moderator sees every topic of a readable board);
- visitor or member, and the departments whose staff the reader is (their routed private cases);
- the reader themselves only when they wrote a topic that others may not see (unapproved or
  staff-only): then the scope is theirs alone, never shared.

Readers of one scope see exactly the same topics, so they share the entries. An entry is stored
under the *counts generation*, replaced (now and again after the commit) whenever a post, a
topic, a topic's visibility or a case (its department) is saved or deleted, or a user deleted
(forum/boards/receivers.py); the load generator replaces it too. A change therefore shows on the
next request; the generation is read before the database, so a count computed from rows older
than a change is stored under the generation that change replaces.

``FORUM_AUTHOR_COUNTS_CACHE`` (on by default) switches the keeping off, to compare.
"""

import hashlib
import uuid
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from machina.apps.forum_conversation.models import Post, Topic

from forum.permissions_version import version_replace_now_and_after_commit
from forum.visibility import (
    is_moderator,
    own_hidden_topics_exist,
    readable_forum_ids,
    staff_department_ids,
    topic_visibility_q,
)

GENERATION_KEY = "forum:author-counts:generation"
COUNT_KEY_PREFIX = "forum:author-counts:count:"
OWN_HIDDEN_KEY_PREFIX = "forum:author-counts:own-hidden:"
# Bounds what a quiet forum keeps; a count is recomputed from two indexed queries.
COUNTS_TIMEOUT = 3600


def author_counts_changed() -> None:
    """Make every kept count stale: now, and again once the transaction commits (as
    forum.permissions.forum_permissions_changed, for the same reason)."""
    version_replace_now_and_after_commit(GENERATION_KEY)


def reader_scope(*, user, readable: set[int], own_hidden: bool) -> str:
    """What decides, for this reader, which topics' posts are counted (module docstring)."""
    if is_moderator(user):
        kind = "moderator"
    elif not user.is_authenticated:
        kind = "visitor"
    elif own_hidden:
        kind = f"user:{user.pk}"
    else:
        departments = ",".join(str(pk) for pk in sorted(staff_department_ids(user)))
        kind = f"member:{departments}"
    boards = ",".join(str(pk) for pk in sorted(readable))
    return hashlib.sha256(f"{kind}|{boards}".encode()).hexdigest()[:32]


def kept_reader_scope(*, user, readable: set[int]) -> tuple[str | None, str]:
    """The counts generation and the reader's scope, for what is kept per scope (these counts,
    forum.boards.selectors.board_topics_total). The generation is read first: it must be read
    before the database (module docstring). ``None`` for a cache that keeps nothing."""
    needs_own = user.is_authenticated and not is_moderator(user)
    own_key = f"{OWN_HIDDEN_KEY_PREFIX}{user.pk}" if needs_own else None
    found = cache.get_many([GENERATION_KEY, own_key] if own_key else [GENERATION_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    own_hidden = False
    if own_key:
        stored = found.get(own_key)
        if stored is not None and generation is not None and stored[0] == generation:
            own_hidden = stored[1]
        else:
            own_hidden = own_hidden_topics_exist(user=user)
            if generation is not None:
                cache.set(own_key, (generation, own_hidden), timeout=COUNTS_TIMEOUT)
    return generation, reader_scope(user=user, readable=readable, own_hidden=own_hidden)


def _counts_compute(*, poster_ids, user, readable: set[int]) -> Counter:
    """The authors' approved posts as (author, topic) pairs by the author index, then the
    topics among them this reader may see: the topic rules in SQL over these topics (a
    semi-join on the primary key), the readable boards here (as one condition PostgreSQL ANDed
    a bitmap of every topic of the readable boards: 100 ms at 60,000 topics)."""
    authored = Post.objects.filter(poster_id__in=poster_ids, approved=True).order_by()
    pairs = list(authored.values_list("poster_id", "topic_id"))
    visible = {
        pk
        for pk, forum_id in Topic.objects.filter(
            topic_visibility_q(user=user), pk__in=authored.values("topic_id")
        )
        .order_by()
        .values_list("pk", "forum_id")
        if forum_id in readable
    }
    return Counter(poster_id for poster_id, topic_id in pairs if topic_id in visible)


def author_visible_post_counts(*, poster_ids, user, permission_handler) -> dict[int, int]:
    """Each author's count of approved posts in topics this reader may see."""
    poster_ids = set(poster_ids)
    if not poster_ids:
        return {}
    readable = set(readable_forum_ids(user=user, permission_handler=permission_handler))
    if not getattr(settings, "FORUM_AUTHOR_COUNTS_CACHE", True):
        counts = _counts_compute(poster_ids=poster_ids, user=user, readable=readable)
        return {pk: counts.get(pk, 0) for pk in poster_ids}

    generation, scope = kept_reader_scope(user=user, readable=readable)
    if generation is None:  # a cache that keeps nothing
        counts = _counts_compute(poster_ids=poster_ids, user=user, readable=readable)
        return {pk: counts.get(pk, 0) for pk in poster_ids}

    keys = {pk: f"{COUNT_KEY_PREFIX}{generation}:{scope}:{pk}" for pk in poster_ids}
    stored = cache.get_many(list(keys.values()))
    result = {pk: stored[key] for pk, key in keys.items() if key in stored}
    missing = poster_ids - result.keys()
    if missing:
        counts = _counts_compute(poster_ids=missing, user=user, readable=readable)
        computed = {pk: counts.get(pk, 0) for pk in missing}
        cache.set_many({keys[pk]: n for pk, n in computed.items()}, timeout=COUNTS_TIMEOUT)
        result.update(computed)
    return result
