"""The Elasticsearch backend, built on elasticsearch.dsl Documents for posts, pages, merchants.

Each kind lives in a versioned index (`<prefix>-posts-<version>`) behind an alias
(`<prefix>-posts`); a rebuild fills new versions and swaps both aliases in one atomic call, so
searching never stops. Text fields use the analyzer named by SEARCH_ES_ANALYZER (`cjk` ships
with Elasticsearch; `smartcn` or `ik_max_word` need their plugins).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from elasticsearch import Elasticsearch, helpers
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import A, Boolean, Date, Document, Integer, Keyword, Search, Text
from elasticsearch.dsl import Q as EQ

from search.backends.base import (
    FACETS,
    SORT_OLDEST,
    SORT_RELEVANCE,
    Audience,
    BackendUnavailable,
    Hit,
    IndexDocument,
    SearchBackend,
    SearchQuery,
    SearchResults,
)
from search.documents import PUBLIC_DOCUMENT_KINDS
from search.models import DocumentKind

FACET_SIZE = 50


@lru_cache(maxsize=8)
def document_classes(analyzer: str) -> dict[str, type[Document]]:
    class SearchableDocument(Document):
        kind = Keyword()
        object_id = Integer()
        title = Text(analyzer=analyzer)
        body = Text(analyzer=analyzer)
        url = Keyword(index=False)
        created = Date()
        forum_id = Integer()
        project_id = Integer()
        department_id = Integer()
        status = Keyword()

    class PostDocument(SearchableDocument):
        """A forum post, with what the permission filter needs."""

        topic_id = Integer()
        author_id = Integer()
        topic_author_id = Integer()
        approved = Boolean()
        topic_approved = Boolean()
        staff_only = Boolean()

    class PageDocument(SearchableDocument):
        """A live, public Wagtail page (news, handbook chapter, offer, …)."""

        members_only = Boolean()

    class MerchantDocument(SearchableDocument):
        """An active alliance merchant (its own index: merchant ids are not page ids)."""

        members_only = Boolean()

    return {"posts": PostDocument, "pages": PageDocument, "merchants": MerchantDocument}


def audience_query(audience: Audience):
    pages = [EQ("terms", kind=sorted(PUBLIC_DOCUMENT_KINDS))]
    if not audience.is_authenticated:
        pages.append(EQ("term", members_only=False))
    posts = [
        EQ("term", kind=DocumentKind.POST),
        EQ("terms", forum_id=sorted(audience.readable_forum_ids)),
    ]
    if not audience.is_moderator:
        if not audience.is_authenticated:
            posts += [
                EQ("term", approved=True),
                EQ("term", topic_approved=True),
                EQ("term", staff_only=False),
            ]
        else:
            me = audience.user_id
            allowed = [EQ("term", staff_only=False), EQ("term", topic_author_id=me)]
            if audience.department_ids:
                allowed.append(EQ("terms", department_id=sorted(audience.department_ids)))
            posts += [
                EQ(
                    "bool", should=[EQ("term", topic_approved=True), EQ("term", topic_author_id=me)]
                ),
                EQ("bool", should=allowed),
                EQ("bool", should=[EQ("term", approved=True), EQ("term", author_id=me)]),
            ]
    return EQ("bool", should=[EQ("bool", filter=pages), EQ("bool", filter=posts)])


def _filters_query(filters: dict[str, tuple]) -> list:
    return [EQ("terms", **{name: list(values)}) for name, values in filters.items()]


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, *, url: str = "", prefix: str = "kehuhui", client=None, refresh=None):
        self.client = client or Elasticsearch(
            url, **getattr(settings, "SEARCH_ES_CLIENT_OPTIONS", {})
        )
        self.prefix = prefix
        self.analyzer = getattr(settings, "SEARCH_ES_ANALYZER", "cjk")
        self.refresh = getattr(settings, "SEARCH_ES_REFRESH", False) if refresh is None else refresh
        self.documents = document_classes(self.analyzer)
        self._ready = False

    def alias(self, group: str) -> str:
        return f"{self.prefix}-{group}"

    def _group(self, kind: str) -> str:
        if kind == DocumentKind.POST:
            return "posts"
        return "merchants" if kind == DocumentKind.MERCHANT else "pages"

    # --- indices ----------------------------------------------------------------------------
    def _create(self, group: str, version: str) -> str:
        name = f"{self.alias(group)}-{version}"
        self.documents[group].init(index=name, using=self.client)
        return name

    def _ensure(self) -> None:
        if self._ready:
            return
        try:
            for group in self.documents:
                if not self.client.indices.exists_alias(name=self.alias(group)):
                    name = self._create(group, "v" + timezone.now().strftime("%Y%m%d%H%M%S%f"))
                    self.client.indices.put_alias(index=name, name=self.alias(group))
            self._ready = True
        except es_exceptions.ConnectionError as error:
            raise BackendUnavailable(str(error)) from error

    def _bulk(self, actions) -> int:
        try:
            ok, _errors = helpers.bulk(self.client, actions, refresh=self.refresh)
        except es_exceptions.ConnectionError as error:
            raise BackendUnavailable(str(error)) from error
        return ok

    def _action(self, document: IndexDocument, index: str) -> dict:
        group = self._group(document.kind)
        source = {
            name: getattr(document, name)
            for name in self.documents[group]._doc_type.mapping
            if hasattr(document, name)
        }
        return {"_op_type": "index", "_index": index, "_id": document.object_id, "_source": source}

    def index(self, documents: Iterable[IndexDocument]) -> int:
        self._ensure()
        actions = [self._action(d, self.alias(self._group(d.kind))) for d in documents]
        return self._bulk(actions) if actions else 0

    def delete(self, keys: Iterable[tuple[str, int]]) -> int:
        self._ensure()
        targets = {(self.alias(self._group(kind)), object_id) for kind, object_id in keys}
        actions = [{"_op_type": "delete", "_index": i, "_id": pk} for i, pk in targets]
        if not actions:
            return 0
        try:
            ok, _errors = helpers.bulk(
                self.client, actions, refresh=self.refresh, raise_on_error=False
            )
        except es_exceptions.ConnectionError as error:
            raise BackendUnavailable(str(error)) from error
        return ok

    def clear(self) -> None:
        self.client.indices.delete(index=f"{self.prefix}-*", ignore_unavailable=True)
        self._ready = False

    def rebuild_begin(self, *, resume_target: str = "") -> str:
        if resume_target:
            return resume_target
        version = "v" + timezone.now().strftime("%Y%m%d%H%M%S%f")
        for group in self.documents:
            self._create(group, version)
        return version

    def rebuild_index(self, target: str, documents: list[IndexDocument]) -> int:
        actions = [
            self._action(d, f"{self.alias(self._group(d.kind))}-{target}") for d in documents
        ]
        return self._bulk(actions) if actions else 0

    def rebuild_finish(self, target: str) -> None:
        actions, old = [], []
        for group in self.documents:
            alias = self.alias(group)
            new = f"{alias}-{target}"
            if self.client.indices.exists_alias(name=alias):
                current = list(self.client.indices.get_alias(name=alias).keys())
                old += [name for name in current if name != new]
                actions += [{"remove": {"index": name, "alias": alias}} for name in current]
            actions.append({"add": {"index": new, "alias": alias}})
        self.client.indices.update_aliases(actions=actions)
        self.client.indices.refresh(index=[self.alias(g) for g in self.documents])
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)

    # --- reading ----------------------------------------------------------------------------
    def _text_queries(self, query: SearchQuery) -> list:
        parsed = query.parsed
        # A word must occur as written: a phrase query over the CJK bigrams of one word.
        clauses = [
            EQ("multi_match", query=word, fields=["title^2", "body"], type="phrase")
            for word in parsed.words
        ]
        clauses += [
            EQ("multi_match", query=phrase, fields=["title^2", "body"], type="phrase")
            for phrase in parsed.phrases
        ]
        return clauses

    def search(self, query: SearchQuery, *, audience: Audience) -> SearchResults:
        self._ensure()
        parsed = query.parsed
        dates = {}
        if query.date_from:
            dates["gte"] = query.date_from.isoformat()
        if query.date_to:
            dates["lt"] = query.date_to.isoformat()
        base_filter = [audience_query(audience)]
        if dates:
            base_filter.append(EQ("range", created=dates))
        text = self._text_queries(query)
        search = Search(using=self.client, index=[self.alias(g) for g in self.documents])
        search = search.query(EQ("bool", must=text or [EQ("match_all")], filter=base_filter))
        chosen = query.filters(audience=audience)
        if chosen:
            search = search.post_filter(EQ("bool", filter=_filters_query(chosen)))
        for name in FACETS:
            if name in ("department_id", "status") and not audience.is_staff:
                continue
            others = _filters_query(query.filters(audience=audience, without=name))
            facet = A("filter", EQ("bool", filter=others) if others else EQ("match_all"))
            facet.bucket("values", "terms", field=name, size=FACET_SIZE)
            search.aggs.bucket(name, facet)
        if query.sort == SORT_RELEVANCE and parsed.words:
            search = search.sort("_score", {"created": "desc"})
        elif query.sort == SORT_OLDEST:
            search = search.sort({"created": "asc"})
        else:
            search = search.sort({"created": "desc"})
        start = (max(query.page, 1) - 1) * query.per_page
        search = search.extra(track_total_hits=True)[start : start + query.per_page]
        try:
            response = search.execute()
        except es_exceptions.ConnectionError as error:
            raise BackendUnavailable(str(error)) from error
        hits = [
            Hit(
                kind=h.kind,
                object_id=int(h.object_id),
                title=h.title or "",
                body=h.body or "",
                url=h.url or "",
                created=_parse_date(h.created),
                forum_id=getattr(h, "forum_id", None),
                project_id=getattr(h, "project_id", None),
                department_id=getattr(h, "department_id", None),
                status=getattr(h, "status", "") or "",
                score=float(h.meta.score or 0.0),
            )
            for h in response.hits
        ]
        facets = {}
        for name in FACETS:
            if name in response.aggregations:
                buckets = response.aggregations[name]["values"]["buckets"]
                facets[name] = {b["key"]: b["doc_count"] for b in buckets if b["key"] != ""}
        return SearchResults(
            hits=hits, total=response.hits.total.value, facets=facets, query=parsed
        )


def _parse_date(value):
    if value is None or hasattr(value, "tzinfo"):
        return value
    from django.utils.dateparse import parse_datetime

    return parse_datetime(str(value))
