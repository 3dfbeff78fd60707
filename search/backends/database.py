"""The embedded backend: the SearchDocument table with SQLite FTS5 or PostgreSQL full text.

Words come pre-segmented (search.segment), so FTS5's unicode61 tokenizer and PostgreSQL's
'simple' configuration only split on the spaces we put in. The full-text condition, the
reader's permissions and the filters are one SQL query; facets are one grouped query each.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, FloatField, Q
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
# Positions in a candidate row: id, created (seconds since the epoch: hundreds of rows a search,
# and a float costs a fraction of what turning text into a datetime does), the facet fields, score.
ID, CREATED = 0, 1
FACET_POSITION = {name: 2 + n for n, name in enumerate(FACETS)}
SCORE = 2 + len(FACETS)
# How long the planner's choice may take before the search runs again without index scans
# (see _with_fallback).
PLAN_BUDGET_MS = 250
# Newest-first searches look in these recent windows first (see DatabaseBackend._candidates).
RECENT_WINDOWS = (datetime.timedelta(days=90), datetime.timedelta(days=365))
# Fields a document write replaces (the upsert's update fields).
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
# Columns written by COPY, in order (each field's column is its name; search_vector is generated
# from `terms` by PostgreSQL).
COLUMNS = ["kind", "object_id", *DOCUMENT_FIELDS]
BATCH_TABLE = "search_document_batch"  # temporary, per connection
REBUILD_KEYS = "search_rebuild_keys"  # unlogged, lives while a rebuild runs (and resumes)
CANDIDATE_FIELDS = ["id", "epoch", *FACETS]
EPOCH_SQL = {
    "postgresql": f"date_part('epoch', {TABLE}.created)",
    # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: whole seconds plus the fraction.
    "sqlite": f"CAST(strftime('%%s', {TABLE}.created) AS REAL) "
    f"+ CAST(substr({TABLE}.created, 20) AS REAL)",
}
# One row per word of a document, kept by triggers (PostgreSQL; migration 0007).
POSTINGS = "search_posting"
# Filters a search through the postings applies without leaving the walk of one word's
# postings; with any other (type, housing project, department, status) the GIN index answers.
POSTING_FILTERS = {"forum_id"}
# How long the most common words' frequencies (which word's postings to walk) are kept.
WORD_FREQUENCIES_SECONDS = 600


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

    @property
    def candidates(self) -> int:
        return max(1, int(getattr(settings, "SEARCH_CANDIDATES", 500)))

    # --- writing ----------------------------------------------------------------------------
    def _row(self, document: IndexDocument, now) -> dict:
        return {
            "kind": document.kind,
            "object_id": document.object_id,
            "title": document.title[:255],
            "body": document.body,
            "terms": terms_text(document),
            "url": document.url[:500],
            "created": document.created or now,
            "forum_id": document.forum_id,
            "topic_id": document.topic_id,
            "project_id": document.project_id,
            "department_id": document.department_id,
            "status": document.status,
            "author_id": document.author_id,
            "topic_author_id": document.topic_author_id,
            "approved": document.approved,
            "topic_approved": document.topic_approved,
            "staff_only": document.staff_only,
            "members_only": document.members_only,
            "indexed_at": now,
        }

    def index(self, documents: Iterable[IndexDocument]) -> int:
        now = timezone.now()
        rows = {document.key: self._row(document, now) for document in documents}
        if not rows:
            return 0
        if self.vendor == "postgresql":
            return _upsert_postgresql(rows.values())
        return self._upsert(rows.values())

    def _upsert(self, rows) -> int:
        rows = list(rows)
        SearchDocument.objects.bulk_create(
            [SearchDocument(**row) for row in rows],
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

    # Rebuilding writes into the live table batch by batch, so the index answers throughout, and
    # at the end deletes what the rebuild did not write again (it no longer exists). On
    # PostgreSQL the keys written are kept in an unlogged table; each batch goes in by COPY and
    # one INSERT … ON CONFLICT that leaves unchanged rows alone, and the server's share of the
    # work (words to tsvector, the GIN and b-tree indexes) runs beside the segmenting here.
    def rebuild_begin(self, *, resume_target: str = "") -> str:
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                if not (resume_target and _table_exists(cursor, REBUILD_KEYS)):
                    cursor.execute(f"DROP TABLE IF EXISTS {REBUILD_KEYS}")
                    cursor.execute(
                        f"CREATE UNLOGGED TABLE {REBUILD_KEYS} "
                        "(kind varchar(20) NOT NULL, object_id integer NOT NULL)"
                    )
        return resume_target or timezone.now().isoformat()

    def rebuild_prepare(self, documents: list[IndexDocument]) -> list[dict]:
        now = timezone.now()
        return list({document.key: self._row(document, now) for document in documents}.values())

    def rebuild_index(self, target: str, rows: list[dict]) -> int:
        if self.vendor == "postgresql":
            return _upsert_postgresql(rows, keys_table=REBUILD_KEYS)
        return self._upsert(rows)

    def rebuild_finish(self, target: str) -> None:
        if self.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {TABLE} AS live WHERE NOT EXISTS (SELECT 1 FROM {REBUILD_KEYS} "
                    "AS k WHERE k.kind = live.kind AND k.object_id = live.object_id)"
                )
                cursor.execute(f"DROP TABLE {REBUILD_KEYS}")
            _postings_repair()
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {TABLE}")
                # After a bulk load the visibility map lets one-word searches read the postings'
                # index alone; VACUUM cannot run inside a transaction (a test's, say).
                statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                cursor.execute(f"{statement} {POSTINGS}")
            return
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
        """The newest matches (at most `candidates`), ranked, one page of them fetched whole.

        Work is bounded by the candidate limit, not by how many documents contain a word: a
        word in a fifth of a million posts costs about what a rarer one does. Beyond the limit
        the total is a lower bound (`capped`) and facets count the candidates; a reader who
        narrows the search (a board, a date range, another word) gets exact figures again.
        """
        parsed = query.parsed
        relevance = query.sort == SORT_RELEVANCE and bool(parsed.words)
        rows, capped = self._candidates(query, audience, rank=relevance)
        facets = self._facets(query, audience, rows)
        if relevance:
            rows.sort(key=lambda row: (-row[SCORE], -row[CREATED], -row[ID]))
        start = (max(query.page, 1) - 1) * query.per_page
        page_ids = [row[ID] for row in rows[start : start + query.per_page]]
        scores = {row[ID]: row[SCORE] for row in rows} if relevance else {}
        documents = SearchDocument.objects.defer("terms", "indexed_at").in_bulk(page_ids)
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
                score=float(scores.get(row.pk) or 0.0),
            )
            for row in (documents[pk] for pk in page_ids if pk in documents)
        ]
        return SearchResults(hits=hits, total=len(rows), facets=facets, query=parsed, capped=capped)

    def _candidates(self, query: SearchQuery, audience: Audience, *, without="", rank=False):
        """Up to `candidates` matching rows (narrow: id, date, facet fields, score), newest
        first (oldest first for that sort), and whether more exist.

        Newest first, the matches are looked for in the last 90 days, then the last year, then
        everywhere, stopping as soon as one window holds enough: the full-text index and the
        date index then meet on a few thousand rows instead of every match of a word that is
        in one post of a hundred (45 ms instead of 200 at 1M posts).
        """
        limit = self.candidates
        fields = CANDIDATE_FIELDS + (["score"] if rank else [])
        if self._uses_postings(query, audience, without=without):
            return self._posting_candidates(query, audience, without=without, rank=rank)
        base = self._base(query, audience, without=without, rank=rank).annotate(epoch=self._epoch())
        if query.sort == SORT_OLDEST:
            windows = [None]
            base = base.order_by("created", "id")
        else:
            windows = [*RECENT_WINDOWS, None]
            base = base.order_by("-created", "-id")
        now = timezone.now()
        for window in windows:
            queryset = base
            if window is not None:
                queryset = queryset.filter(created__gte=now - window)
            rows = _with_fallback(lambda qs=queryset: list(qs.values_list(*fields)[: limit + 1]))
            if len(rows) > limit:
                break
        if not rank:
            rows = [(*row, 0.0) for row in rows]
        return rows[:limit], len(rows) > limit

    def _epoch(self) -> RawSQL:
        return RawSQL(EPOCH_SQL[self.vendor], [], output_field=FloatField())

    def _uses_postings(self, query: SearchQuery, audience: Audience, *, without="") -> bool:
        if self.vendor != "postgresql" or not query.parsed.words:
            return False
        return set(query.filters(audience=audience, without=without)) <= POSTING_FILTERS

    def _posting_candidates(self, query: SearchQuery, audience: Audience, *, without="", rank):
        """The candidates by walking one word's postings in date order (PostgreSQL).

        The walk reads the index of (word, created, document) newest first (oldest first for
        that sort), skips boards the reader may not read inside the index, checks the other
        words against their own postings, and fetches a document row only for a match; it
        stops after `candidates` rows the reader may see. The word walked is the rarest by
        the table's statistics, so the work grows with the candidate limit (or with that word's
        postings), not with the documents in a date window.
        """
        limit = self.candidates
        parsed = query.parsed
        words = _lexemes(" ".join(parsed.words))
        if not words:
            return [], False
        frequencies = _word_frequencies()
        words.sort(key=lambda word: (frequencies.get(word, 0.0), word))
        walked, others = words[0], words[1:]
        where = [
            f"{POSTINGS}.document_id = {TABLE}.id",
            f"{POSTINGS}.term = %s",
            f"({POSTINGS}.forum_id IS NULL OR {POSTINGS}.forum_id = ANY(%s))",
        ]
        params: list = [walked, sorted(audience.readable_forum_ids)]
        for word in others:
            where.append(
                f"EXISTS (SELECT 1 FROM {POSTINGS} AS other WHERE other.term = %s "
                f"AND other.created = {POSTINGS}.created "
                f"AND other.document_id = {POSTINGS}.document_id)"
            )
            params.append(word)
        filters = query.filters(audience=audience, without=without)
        if "forum_id" in filters:
            where.append(f"{POSTINGS}.forum_id = ANY(%s)")
            params.append(list(filters["forum_id"]))
        if query.date_from:
            where.append(f"{POSTINGS}.created >= %s")
            params.append(query.date_from)
        if query.date_to:
            where.append(f"{POSTINGS}.created < %s")
            params.append(query.date_to)
        queryset = SearchDocument.objects.filter(audience_q(audience))
        for name, values in filters.items():
            queryset = queryset.filter(**{f"{name}__in": values})
        for phrase in parsed.phrases:
            queryset = queryset.filter(Q(title__icontains=phrase) | Q(body__icontains=phrase))
        queryset = queryset.extra(tables=[POSTINGS], where=where, params=params).annotate(
            epoch=self._epoch()
        )
        fields = CANDIDATE_FIELDS + (["score"] if rank else [])
        if rank:
            queryset = queryset.annotate(
                score=RawSQL(
                    f"ts_rank({TABLE}.search_vector, plainto_tsquery('simple'::regconfig, %s))",
                    [" ".join(parsed.words)],
                    output_field=FloatField(),
                )
            )
        created = RawSQL(f"{POSTINGS}.created", [])
        document = RawSQL(f"{POSTINGS}.document_id", [])
        if query.sort == SORT_OLDEST:
            queryset = queryset.order_by(created.asc(), document.asc())
        else:
            queryset = queryset.order_by(created.desc(), document.desc())
        rows = _with_fallback(lambda: list(queryset.values_list(*fields)[: limit + 1]))
        if not rank:
            rows = [(*row, 0.0) for row in rows]
        return rows[:limit], len(rows) > limit

    def _facets(self, query: SearchQuery, audience: Audience, rows: list) -> dict[str, dict]:
        """Facet counts over the candidates; a facet whose own filter is in use is counted over
        the candidates of the same search without that filter."""
        names = [
            name for name in FACETS if audience.is_staff or name not in ("department_id", "status")
        ]
        active = query.filters(audience=audience)
        facets: dict[str, dict] = {}
        for name in names:
            counted = (
                rows if name not in active else self._candidates(query, audience, without=name)[0]
            )
            position = FACET_POSITION[name]
            counts: dict = {}
            for row in counted:
                value = row[position]
                if value is not None and value != "":
                    counts[value] = counts.get(value, 0) + 1
            facets[name] = counts
        return facets

    def document_count(self) -> int:
        return SearchDocument.objects.count()


def _with_fallback(run):
    """Run a candidate query; on PostgreSQL within a time budget, then without index scans.

    Newest-first with a LIMIT, PostgreSQL may walk the date index and test each row: fast for
    a common word, slow for one that is common in the statistics but absent from recent posts.
    Past the budget the query is cancelled and run again with index scans off, so the
    full-text (GIN) index drives and the matches are sorted: bounded by how many there are.
    Parallel workers are off for these queries: a walk that stops after a few hundred rows
    paid more for starting them (10-15 ms) than it saved.
    """
    if connection.vendor != "postgresql":
        return run()
    # SET LOCAL lasts to the end of the transaction: inside an outer one, put the values back.
    outer = connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('statement_timeout'), "
                "current_setting('max_parallel_workers_per_gather'), "
                "set_config('statement_timeout', %s, true), "
                "set_config('max_parallel_workers_per_gather', '0', true)",
                [f"{PLAN_BUDGET_MS}ms"],
            )
            timeout, workers = cursor.fetchone()[:2]
            rows = run()
            if outer:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true), "
                    "set_config('max_parallel_workers_per_gather', %s, true)",
                    [timeout, workers],
                )
            return rows
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", "") != "57014":  # query_canceled
            raise
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_indexscan'), "
            "set_config('enable_indexscan', 'off', true)"
        )
        previous = cursor.fetchone()[0]
        rows = run()
        cursor.execute("SELECT set_config('enable_indexscan', %s, true)", [previous])
        return rows


def _postings_repair() -> None:
    """Rewrite the postings of every document whose count of postings is not its count of words
    (and drop postings of documents that no longer exist), so a rebuild also mends the postings
    table if anything but the triggers wrote to it. The triggers keep it right otherwise, so
    this finds nothing; it costs one pass over each table."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE search_posting_wrong ON COMMIT DROP AS "
            f"WITH counted AS (SELECT document_id, count(*) AS n FROM {POSTINGS} "
            "GROUP BY document_id) "
            "SELECT coalesce(document.id, counted.document_id) AS id "
            f"FROM {TABLE} AS document FULL JOIN counted ON counted.document_id = document.id "
            "WHERE coalesce(counted.n, 0) <> coalesce(length(document.search_vector), 0)"
        )
        cursor.execute("SELECT count(*) FROM search_posting_wrong")
        if not cursor.fetchone()[0]:
            return
        cursor.execute(
            f"DELETE FROM {POSTINGS} WHERE document_id IN (SELECT id FROM search_posting_wrong)"
        )
        cursor.execute(
            f"INSERT INTO {POSTINGS} (term, created, document_id, forum_id) "
            "SELECT word.lexeme, document.created, document.id, document.forum_id "
            f"FROM {TABLE} AS document, unnest(document.search_vector) AS word "
            "WHERE document.id IN (SELECT id FROM search_posting_wrong)"
        )


def _lexemes(text: str) -> list[str]:
    """The words of `text` as PostgreSQL's 'simple' configuration indexes them (the postings'
    terms), so a search through the postings matches exactly what the full-text match would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('simple'::regconfig, %s))", [text])
        return list(cursor.fetchone()[0] or [])


_frequencies: dict = {"at": -WORD_FREQUENCIES_SECONDS, "words": {}}


def _word_frequencies() -> dict[str, float]:
    """The share of postings of the most common words (PostgreSQL's statistics of the postings
    table), kept for a few minutes in the process; a word not among them is rarer."""
    now = time.monotonic()
    if now - _frequencies["at"] >= WORD_FREQUENCIES_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'term'",
                [POSTINGS],
            )
            row = cursor.fetchone()
        words = dict(zip(row[0], row[1], strict=True)) if row and row[0] else {}
        _frequencies.update(at=now, words=words)
    return _frequencies["words"]


def _table_exists(cursor, name: str) -> bool:
    return name in connection.introspection.table_names(cursor)


def _upsert_postgresql(rows: Iterable[dict], *, keys_table: str = "") -> int:
    """Write documents (one per key) by COPY into a temporary table and one upsert from it.

    A row whose indexed content has not changed is not rewritten. With `keys_table`, the keys
    written are also recorded there (a rebuild deletes what it did not record).
    """
    columns = ", ".join(COLUMNS)
    fields = [c for c in COLUMNS if c not in ("kind", "object_id")]
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in fields)
    changed = " OR ".join(
        f"{TABLE}.{c} IS DISTINCT FROM EXCLUDED.{c}" for c in fields if c != "indexed_at"
    )
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {BATCH_TABLE} ON COMMIT DELETE ROWS "
            f"AS SELECT {columns} FROM {TABLE} WITH NO DATA"
        )
        # Empty already, unless an enclosing transaction (a test's) outlives the last batch.
        cursor.execute(f"TRUNCATE {BATCH_TABLE}")
        with cursor.cursor.copy(f"COPY {BATCH_TABLE} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in COLUMNS])
                written += 1
        cursor.execute(
            f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {BATCH_TABLE} "
            f"ON CONFLICT (kind, object_id) DO UPDATE SET {assignments} WHERE {changed}"
        )
        if keys_table:
            cursor.execute(
                f"INSERT INTO {keys_table} (kind, object_id) SELECT kind, object_id "
                f"FROM {BATCH_TABLE}"
            )
    return written


def rebuild_fts_sqlite() -> None:
    """Rebuild FTS5's index from the document table (after a bulk load that bypassed it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
