"""Site search over what the reader may see, through the configured backend."""

from __future__ import annotations

from search.backends import get_backend
from search.backends.base import Audience, SearchQuery, SearchResults


def audience_for(*, user, permission_handler) -> Audience:
    from forum.visibility import is_moderator, readable_forum_ids, staff_department_ids

    return Audience(
        user_id=user.pk if user.is_authenticated else None,
        readable_forum_ids=frozenset(
            readable_forum_ids(user=user, permission_handler=permission_handler)
        ),
        is_moderator=is_moderator(user),
        department_ids=staff_department_ids(user),
    )


def site_search(
    *, query: SearchQuery, user, permission_handler, audience: Audience | None = None
) -> SearchResults:
    """`audience`, when the caller worked it out already for the same user and handler, saves
    asking machina for the readable boards twice on one page."""
    if audience is None:
        audience = audience_for(user=user, permission_handler=permission_handler)
    return get_backend().search(query, audience=audience)
