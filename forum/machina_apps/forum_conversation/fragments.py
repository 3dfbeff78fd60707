"""The topic page's posts as a cached fragment, shared by readers who would see the same HTML.

Rendering a page of posts (machina's per-post permission tags, badges, avatars) was about 70 %
of a member's topic page at 1M posts (docs/benchmarks.md). The fragment is keyed by what it
shows and by the reader's kind:

- what it shows: language, topic, the page's posts with their edit times, and for each author
  what the sidebar shows (name, badges with the level and whether it is shown, post count,
  avatar, signature), the accepted answer, the official replies. A new reply, an edit, a
  hidden badge, an accepted answer or an official reply gives a new key at once. The authors'
  data is prefetched with the posts, so the key costs no query.
- who reads: visitors share one copy; members share one copy per set of groups (board
  permissions come from groups), and only when nothing on the page depends on who they are:
  no post of their own on it (edit and report links), not the topic's author (the accept
  button carries their CSRF token: not cached at all), no moderator or department role, no
  board permission given to them personally. Everyone else gets a copy of their own.
- not cached: topics with a poll (votes change it), and the reader who may accept an answer.
"""

import hashlib

from django.utils import translation

from forum.visibility import (
    has_personal_grants,
    is_moderator,
    reader_groups,
    staff_department_ids,
)


def _reader(user, posts) -> str:
    if not user.is_authenticated:
        return "visitor"
    personal = (
        user.is_superuser
        or is_moderator(user)
        or staff_department_ids(user)
        or any(post.poster_id == user.pk for post in posts)
        or has_personal_grants(user)
    )
    if personal:
        return f"user:{user.pk}"
    return f"member:{reader_groups(user)}"


def _poster(post) -> str:
    from forum.boards.templatetags.boards_tags import badges_for

    poster = post.poster
    if poster is None:
        return f"anonymous:{post.username}"
    profile = getattr(poster, "forum_profile", None)
    badges = ",".join(f"{b['kind']}={b['label']}" for b in badges_for(poster))
    return ":".join(
        str(part)
        for part in (
            poster.pk,
            poster.get_username(),
            getattr(poster, "display_name", ""),
            badges,
            getattr(poster, "visible_posts_count", getattr(profile, "posts_count", "")),
            getattr(getattr(profile, "avatar", None), "name", ""),
            hashlib.sha256(str(getattr(profile, "signature", "") or "").encode()).hexdigest()[:16],
        )
    )


def topic_posts_cache_key(
    *, user, topic, posts, accepted_post_id, official_ids, can_accept_answer, poll
) -> str | None:
    """The fragment's key, or None when this reader's page must be rendered afresh.

    ``official_ids`` maps each official reply's post id to the department that signs it.
    """
    if poll is not None or can_accept_answer:
        return None
    page = ";".join(
        f"{post.pk}:{post.updated.timestamp() if post.updated else ''}:{_poster(post)}"
        for post in posts
    )
    parts = [
        translation.get_language() or "",
        str(topic.pk),
        page,
        str(accepted_post_id or ""),
        ",".join(f"{pk}:{name}" for pk, name in sorted(official_ids.items())),
        _reader(user, posts),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()
