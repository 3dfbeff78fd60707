"""The embedded backend: the SearchDocument table with SQLite FTS5 or PostgreSQL full text.

Words come pre-segmented (search.segment), so FTS5's unicode61 tokenizer and PostgreSQL's
'simple' configuration only split on the spaces we put in. The full-text condition, the
reader's permissions and the filters are one SQL query; facets are one grouped query each.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, Count, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from search.backends.base import (
    FACETS,
    SORT_OLDEST,
    SORT_RELEVANCE,
    Audience,
    Hit,
    IndexDocument,
    SearchBackend,
    SearchQuery,
    SearchResults,
)
from search.documents import PUBLIC_DOCUMENT_KINDS
from search.models import DocumentKind, SearchDocument
from search.segment import segment_for_index

TABLE = SearchDocument._meta.db_table
DOCUMENT_FIELDS = [
    "title",
    "body",
    "terms",
    "url",
    "created",
    "forum_id",
    "topic_id",
    "project_id",
    "department_id",
    "status",
    "author_id",
    "topic_author_id",
    "approved",
    "topic_approved",
    "staff_only",
    "members_only",
    "indexed_at",
]


def audience_q(audience: Audience) -> Q:
    """What the reader may see, as a condition on SearchDocument (mirrors forum.visibility)."""
    pages = Q(kind__in=sorted(PUBLIC_DOCUMENT_KINDS))
    if not audience.is_authenticated:
        pages &= Q(members_only=False)
    posts = Q(kind=DocumentKind.POST, forum_id__in=sorted(audience.readable_forum_ids))
    if not audience.is_moderator:
        if not audience.is_authenticated:
            posts &= Q(approved=True, topic_approved=True, staff_only=False)
        else:
            me = audience.user_id
            allowed = Q(staff_only=False) | Q(topic_author_id=me)
            if audience.department_ids:
                allowed |= Q(department_id__in=sorted(audience.department_ids))
            posts &= (
                (Q(topic_approved=True) | Q(topic_author_id=me))
                & allowed
                & (Q(approved=True) | Q(author_id=me))
            )
    return pages | posts


def terms_text(document: IndexDocument) -> str:
    # The title counts twice, so a word in the title ranks above the same word in the body.
    title = segment_for_index(document.title)
    return f"{title} {title} {segment_for_index(document.body)}"


class DatabaseBackend(SearchBackend):
    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- writing ----------------------------------------------------------------------------
    def index(self, documents: Iterable[IndexDocument]) -> int:
        now = timezone.now()
        rows = {}
        for document in documents:
            rows[document.key] = SearchDocument(
                kind=document.kind,
                object_id=document.object_id,
                title=document.title[:255],
                body=document.body,
                terms=terms_text(document),
                url=document.url[:500],
                created=document.created or now,
                forum_id=document.forum_id,
                topic_id=document.topic_id,
                project_id=document.project_id,
                department_id=document.department_id,
                status=document.status,
                author_id=document.author_id,
                topic_author_id=document.topic_author_id,
                approved=document.approved,
                topic_approved=document.topic_approved,
                staff_only=document.staff_only,
                members_only=document.members_only,
                indexed_at=now,
            )
        if rows:
            SearchDocument.objects.bulk_create(
                list(rows.values()),
                batch_size=500,
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=DOCUMENT_FIELDS,
            )
        return len(rows)

    def delete(self, keys: Iterable[tuple[str, int]]) -> int:
        by_kind: dict[str, list[int]] = {}
        for kind, object_id in keys:
            by_kind.setdefault(kind, []).append(object_id)
        deleted = 0
        for kind, ids in by_kind.items():
            deleted += SearchDocument.objects.filter(kind=kind, object_id__in=ids).delete()[0]
        return deleted

    def clear(self) -> None:
        SearchDocument.objects.all().delete()

    def rebuild_begin(self, *, resume_target: str = "") -> str:
        return resume_target or timezone.now().isoformat()

    def rebuild_index(self, target: str, documents: list[IndexDocument]) -> int:
        return self.index(documents)

    def rebuild_finish(self, target: str) -> None:
        # Whatever this rebuild did not write again no longer exists in the database.
        started = datetime.datetime.fromisoformat(target)
        SearchDocument.objects.filter(indexed_at__lt=started).delete()

    # --- reading ----------------------------------------------------------------------------
    def _matching(self, queryset, words: tuple[str, ...], *, rank: bool):
        if self.vendor == "sqlite":
            match = " ".join(f'"{w}"' for w in words)
            queryset = queryset.extra(
                tables=["search_fts"],
                where=[f"search_fts.rowid = {TABLE}.id", "search_fts MATCH %s"],
                params=[match],
            )
            if rank:
                # bm25() is lower for better matches.
                queryset = queryset.extra(select={"score": "-bm25(search_fts)"})
            return queryset
        vector = f"{TABLE}.search_vector"  # generated column, see migration 0002
        tsquery = "plainto_tsquery('simple'::regconfig, %s)"
        text = " ".join(words)
        queryset = queryset.filter(
            RawSQL(f"{vector} @@ {tsquery}", [text], output_field=BooleanField())
        )
        if rank:
            queryset = queryset.annotate(
                score=RawSQL(f"ts_rank({vector}, {tsquery})", [text], output_field=FloatField())
            )
        return queryset

    def _base(self, query: SearchQuery, audience: Audience, *, without: str = "", rank=False):
        parsed = query.parsed
        queryset = SearchDocument.objects.filter(audience_q(audience))
        for name, values in query.filters(audience=audience, without=without).items():
            queryset = queryset.filter(**{f"{name}__in": values})
        if query.date_from:
            queryset = queryset.filter(created__gte=query.date_from)
        if query.date_to:
            queryset = queryset.filter(created__lt=query.date_to)
        for phrase in parsed.phrases:
            queryset = queryset.filter(Q(title__icontains=phrase) | Q(body__icontains=phrase))
        if parsed.words:
            queryset = self._matching(queryset, parsed.words, rank=rank)
        return queryset

    def search(self, query: SearchQuery, *, audience: Audience) -> SearchResults:
        parsed = query.parsed
        relevance = query.sort == SORT_RELEVANCE and bool(parsed.words)
        queryset = self._base(query, audience, rank=relevance)
        if relevance:
            ordering = ["-score", "-created", "-id"]
        elif query.sort == SORT_OLDEST:
            ordering = ["created", "id"]
        else:
            # There is deliberately no index on `created` (see SearchDocument.Meta).
            ordering = ["-created", "-id"]
        facets, total = self._facets(query, audience)
        start = (max(query.page, 1) - 1) * query.per_page
        page = queryset.defer("terms", "indexed_at").order_by(*ordering)
        rows = list(page[start : start + query.per_page]) if total else []
        hits = [
            Hit(
                kind=row.kind,
                object_id=row.object_id,
                title=row.title,
                body=row.body,
                url=row.url,
                created=row.created,
                forum_id=row.forum_id,
                project_id=row.project_id,
                department_id=row.department_id,
                status=row.status,
                score=float(getattr(row, "score", 0.0) or 0.0),
            )
            for row in rows
        ]
        return SearchResults(hits=hits, total=total, facets=facets, query=parsed)

    def _facets(self, query: SearchQuery, audience: Audience) -> tuple[dict, int]:
        """Facet counts and the total in as few passes over the matches as possible.

        Facets whose own filter is not in use share one grouped query (which also gives the
        total); each facet with an active filter is counted without that filter.
        """
        names = [
            name for name in FACETS if audience.is_staff or name not in ("department_id", "status")
        ]
        active = query.filters(audience=audience)
        shared = [name for name in names if name not in active]
        facets: dict[str, dict] = {name: {} for name in names}
        total = 0
        grouped = (
            self._base(query, audience)
            .values(*(shared or ["kind"]))
            .annotate(count=Count("id"))
            .order_by()
        )
        for row in grouped:
            total += row["count"]
            for name in shared:
                value = row[name]
                if value is not None and value != "":
                    facets[name][value] = facets[name].get(value, 0) + row["count"]
        for name in active:
            counted = (
                self._base(query, audience, without=name)
                .exclude(**{f"{name}__isnull": True})
                .values(name)
                .annotate(count=Count("id"))
                .order_by()
            )
            facets[name] = {row[name]: row["count"] for row in counted if row[name] != ""}
        return facets, total

    def document_count(self) -> int:
        return SearchDocument.objects.count()


def rebuild_fts_sqlite() -> None:
    """Rebuild FTS5's index from the document table (after a bulk load that bypassed it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
