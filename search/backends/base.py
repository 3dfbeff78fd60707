"""The search contract: what every backend does, and the values that cross it.

A backend stores `IndexDocument`s and answers a `SearchQuery` for an `Audience` (what the reader
may see). The audience is applied inside the engine's query, so totals, facet counts and pages
count only what the reader may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from search.segment import ParsedQuery, parse_query

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_OLDEST = "oldest"
SORTS = (SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST)
FACETS = ("kind", "forum_id", "project_id", "department_id", "status")


@dataclass
class IndexDocument:
    kind: str
    object_id: int
    title: str
    body: str
    url: str = ""
    created: datetime.datetime | None = None
    forum_id: int | None = None
    topic_id: int | None = None
    project_id: int | None = None
    department_id: int | None = None
    status: str = ""
    author_id: int | None = None
    topic_author_id: int | None = None
    approved: bool = True
    topic_approved: bool = True
    staff_only: bool = False
    members_only: bool = False

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.object_id)


@dataclass(frozen=True)
class Audience:
    """Who is reading, reduced to what the permission filter needs.

    `readable_forum_ids` comes from machina's permission handler; the topic rules mirror
    forum.visibility.topic_visibility_q.
    """

    user_id: int | None = None
    readable_forum_ids: frozenset[int] = frozenset()
    is_moderator: bool = False
    department_ids: frozenset[int] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_staff(self) -> bool:
        return self.is_moderator or bool(self.department_ids)


@dataclass
class SearchQuery:
    text: str = ""
    kinds: tuple[str, ...] = ()
    forum_ids: tuple[int, ...] = ()
    project_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: datetime.datetime | None = None
    date_to: datetime.datetime | None = None
    sort: str = SORT_RELEVANCE
    page: int = 1
    per_page: int = 20

    @property
    def parsed(self) -> ParsedQuery:
        return parse_query(self.text)

    def filters(self, *, audience: Audience, without: str = "") -> dict[str, tuple]:
        """Field → allowed values for each active filter, leaving out one facet's own filter.

        Department and case status are staff filters: for anyone else they are ignored, so
        nobody learns where a case went by filtering on it.
        """
        chosen = {
            "kind": self.kinds,
            "forum_id": self.forum_ids,
            "project_id": self.project_ids,
        }
        if audience.is_staff:
            chosen["department_id"] = self.department_ids
            chosen["status"] = self.statuses
        return {name: values for name, values in chosen.items() if values and name != without}


@dataclass
class Hit:
    kind: str
    object_id: int
    title: str
    body: str
    url: str
    created: datetime.datetime | None
    forum_id: int | None = None
    project_id: int | None = None
    department_id: int | None = None
    status: str = ""
    score: float = 0.0


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[str, dict] = field(default_factory=dict)
    query: ParsedQuery = field(default_factory=ParsedQuery)
    # True when the backend stopped counting: `total` (and the facets) cover the newest
    # `total` matches and more exist (the database backend's candidate limit).
    capped: bool = False


class BackendUnavailable(Exception):
    """The engine could not be reached; the change stays queued and is retried."""


class SearchBackend:
    name = "base"

    def index(self, documents: Iterable[IndexDocument]) -> int:
        """Add or replace documents (in bulk); returns how many were written."""
        raise NotImplementedError

    def delete(self, keys: Iterable[tuple[str, int]]) -> int:
        raise NotImplementedError

    def search(self, query: SearchQuery, *, audience: Audience) -> SearchResults:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    # Rebuilding: begin a new generation, write into it, then make it the live one.
    def rebuild_begin(self, *, resume_target: str = "") -> str:
        raise NotImplementedError

    def rebuild_prepare(self, documents: list[IndexDocument]):
        """The CPU-bound part of writing a batch (word segmentation …); its result goes to
        rebuild_index, possibly in another thread."""
        return documents

    def rebuild_index(self, target: str, documents) -> int:
        """Write a batch (as rebuild_prepare returned it) into the new generation."""
        raise NotImplementedError

    def rebuild_finish(self, target: str) -> None:
        raise NotImplementedError
