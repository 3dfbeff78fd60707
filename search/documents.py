"""Turning posts and pages into IndexDocuments: the one place that knows their fields.

Pages are indexed generically: any live Wagtail page without view restrictions, of a type in
`PAGE_KINDS` (or SEARCH_PAGE_KINDS in settings), whose text comes from its `search_document()`
method if it has one, else from the `SearchField`s of its Wagtail `search_fields`. A page with
a true `members_only` attribute is found only by members who are logged in.

Merchants (the cms.Merchant snippet) are indexed while they are active, by the one rule in
cms.models.merchant_active_q; an inactive merchant's document is removed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.http import RFC3986_SUBDELIMS, urlencode
from machina.apps.forum_conversation.models import Post
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index as wagtail_index

from search.backends.base import IndexDocument
from search.models import DocumentKind

# "app_label.modelname" → document kind. Types not listed (and not in settings) are not indexed.
PAGE_KINDS = {
    "cms.newspage": DocumentKind.NEWS,
    "cms.handbookchapterpage": DocumentKind.HANDBOOK,
    "cms.offerpage": DocumentKind.OFFERS,
    "cms.homepage": DocumentKind.PAGE,
    "activities.activitypage": DocumentKind.ACTIVITIES,
}
PAGE_DOCUMENT_KINDS = frozenset(
    {
        DocumentKind.NEWS,
        DocumentKind.HANDBOOK,
        DocumentKind.OFFERS,
        DocumentKind.PAGE,
        DocumentKind.ACTIVITIES,
    }
)
# Kinds without the forum's permissions: everyone finds them (members-only pages: members).
PUBLIC_DOCUMENT_KINDS = PAGE_DOCUMENT_KINDS | {DocumentKind.MERCHANT}


def page_kinds() -> dict[str, str]:
    return {**PAGE_KINDS, **getattr(settings, "SEARCH_PAGE_KINDS", {})}


def page_kind_for(page: Page) -> str | None:
    return page_kinds().get(page.specific_class._meta.label_lower if page.specific_class else "")


def indexed_page_models() -> list[type[Page]]:
    found = []
    for label in page_kinds():
        try:
            found.append(apps.get_model(label))
        except (LookupError, ValueError):
            continue
    return found


# --- posts ------------------------------------------------------------------------------------
# One query of plain values per batch (no model instances) and the topic URL from a template made
# by one reverse(): building documents must not cost more than cutting their words (issue #8).
POST_VALUES = (
    "pk",
    "subject",
    "content",
    "created",
    "poster_id",
    "approved",
    "topic_id",
    "topic__subject",
    "topic__slug",
    "topic__poster_id",
    "topic__approved",
    "topic__forum_id",
    "topic__forum__slug",
    "topic__forum__board__project_id",
    "topic__visibility__staff_only",
    "topic__case__department_id",
    "topic__case__status",
)
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
_TEMPLATE_KWARGS = {"forum_slug": "FSLUG", "forum_pk": 987654321, "slug": "TSLUG", "pk": 123456789}


class TopicUrls:
    """Topic URLs as reverse() makes them, from a template reversed once with stand-in values."""

    def __init__(self):
        try:
            template = reverse("forum_conversation:topic", kwargs=_TEMPLATE_KWARGS)
        except NoReverseMatch:
            template = ""
        for name, value in _TEMPLATE_KWARGS.items():
            template = template.replace(str(value), "{" + name + "}")
        self.template = template

    def __call__(self, *, forum_slug: str, forum_pk: int, slug: str, pk: int) -> str:
        if not self.template:
            return ""
        return self.template.format(
            forum_slug=quote(forum_slug, safe=_URL_SAFE),
            forum_pk=forum_pk,
            slug=quote(slug, safe=_URL_SAFE),
            pk=pk,
        )


def _post_document(row: dict, topic_url: TopicUrls) -> IndexDocument:
    content = row["content"]
    url = topic_url(
        forum_slug=row["topic__forum__slug"],
        forum_pk=row["topic__forum_id"],
        slug=row["topic__slug"],
        pk=row["topic_id"],
    )
    status = row["topic__case__status"]
    return IndexDocument(
        kind=DocumentKind.POST,
        object_id=row["pk"],
        title=row["subject"] or row["topic__subject"],
        body=str(getattr(content, "raw", content) or ""),
        url=f"{url}?post={row['pk']}#{row['pk']}" if url else "",
        created=row["created"],
        forum_id=row["topic__forum_id"],
        topic_id=row["topic_id"],
        project_id=row["topic__forum__board__project_id"],
        department_id=row["topic__case__department_id"],
        status=str(status or ""),
        author_id=row["poster_id"],
        topic_author_id=row["topic__poster_id"],
        approved=row["approved"],
        topic_approved=row["topic__approved"],
        staff_only=bool(row["topic__visibility__staff_only"]),
    )


def post_documents(post_ids: Iterable[int]) -> list[IndexDocument]:
    topic_url = TopicUrls()
    rows = Post.objects.filter(pk__in=list(post_ids)).order_by("pk").values(*POST_VALUES)
    return [_post_document(row, topic_url) for row in rows]


def post_documents_after(last_id: int, batch: int) -> list[tuple[int, IndexDocument]]:
    topic_url = TopicUrls()
    rows = Post.objects.filter(pk__gt=last_id).order_by("pk").values(*POST_VALUES)[:batch]
    return [(row["pk"], _post_document(row, topic_url)) for row in rows]


# --- pages ------------------------------------------------------------------------------------
def _text(value) -> str:
    if callable(value):
        value = value()
    if value is None:
        return ""
    if hasattr(value, "render_as_block") or hasattr(value, "stream_data"):
        value = str(value)  # StreamField: its rendered HTML
    return strip_tags(str(value))


def page_text(page: Page) -> str:
    if hasattr(page, "search_document"):
        return page.search_document()
    parts = []
    for field in getattr(page, "search_fields", []):
        if isinstance(field, wagtail_index.SearchField) and field.field_name != "title":
            parts.append(_text(getattr(page, field.field_name, "")))
    return "\n".join(p for p in parts if p)


def _restricted_page_paths() -> list[str]:
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def page_is_public(page: Page, restricted_paths: list[str] | None = None) -> bool:
    paths = _restricted_page_paths() if restricted_paths is None else restricted_paths
    return not any(page.path.startswith(path) for path in paths)


def page_document(page: Page, restricted_paths: list[str] | None = None) -> IndexDocument | None:
    """The page's document, or None when it must not be in the index at all."""
    kind = page_kind_for(page)
    if kind is None or not page.live or not page_is_public(page, restricted_paths):
        return None
    page = page.specific
    return IndexDocument(
        kind=kind,
        object_id=page.pk,
        title=page.title,
        body=page_text(page),
        url=page.get_url() or page.url_path,
        created=page.first_published_at or page.last_published_at,
        members_only=bool(getattr(page, "members_only", False)),
    )


def page_documents(page_ids: Iterable[int]) -> tuple[list[IndexDocument], list[int]]:
    """Documents for the pages that belong in the index, and the ids of those that do not."""
    ids = set(page_ids)
    restricted = _restricted_page_paths()
    documents = []
    for page in Page.objects.filter(pk__in=ids).specific():
        document = page_document(page, restricted)
        if document is not None:
            documents.append(document)
    return documents, sorted(ids - {d.object_id for d in documents})


def indexed_pages_q() -> Q:
    models = indexed_page_models()
    if not models:
        return Q(pk__in=[])
    from django.contrib.contenttypes.models import ContentType

    content_types = ContentType.objects.get_for_models(*models).values()
    return Q(content_type__in=list(content_types))


def page_documents_after(last_id: int, batch: int) -> list[tuple[int, IndexDocument | None]]:
    restricted = _restricted_page_paths()
    pages = Page.objects.filter(indexed_pages_q(), pk__gt=last_id).order_by("pk")[:batch]
    return [(p.pk, page_document(p, restricted)) for p in pages.specific()]


# --- merchants --------------------------------------------------------------------------------
def _offers_url() -> str:
    from cms.models import OfferIndexPage

    index = OfferIndexPage.objects.live().public().first()
    return (index.get_url() if index is not None else "") or "/offers/"


def merchant_document(merchant, *, offers_url: str) -> IndexDocument:
    """A merchant's document: found by its name, category (in both languages), city, address.

    Its result links to the offers listing narrowed to the merchant's city and category (the
    listing has no filter by merchant).
    """
    from cms.models import MerchantCategory

    category = (
        MerchantCategory(merchant.category)
        if merchant.category in MerchantCategory.values
        else None
    )
    labels = []
    if category is not None:
        with translation.override(settings.LANGUAGE_CODE):
            labels.append(str(category.label))
        with translation.override("en"):
            labels.append(str(category.label))
    body = " ".join(
        part
        for part in (*dict.fromkeys(labels), merchant.city, merchant.address, merchant.phone)
        if part
    )
    start = merchant.agreement_start
    created = (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)) if start else None
    )
    query = urlencode({"city": merchant.city, "category": merchant.category})
    return IndexDocument(
        kind=DocumentKind.MERCHANT,
        object_id=merchant.pk,
        title=merchant.name,
        body=body,
        url=f"{offers_url}?{query}",
        created=created,
    )


def _active_merchants():
    from cms.selectors import merchants_active

    return merchants_active(day=timezone.localdate())


def merchant_documents(merchant_ids: Iterable[int]) -> tuple[list[IndexDocument], list[int]]:
    """Documents for the active merchants among these, and the ids of the others (to delete)."""
    ids = set(merchant_ids)
    offers_url = _offers_url()
    documents = [
        merchant_document(m, offers_url=offers_url) for m in _active_merchants().filter(pk__in=ids)
    ]
    return documents, sorted(ids - {d.object_id for d in documents})


def merchants_total_after(last_id: int) -> int:
    from cms.models import Merchant

    return Merchant.objects.filter(pk__gt=last_id).count()


def merchant_documents_after(last_id: int, batch: int) -> list[tuple[int, IndexDocument | None]]:
    from cms.models import Merchant

    offers_url = _offers_url()
    merchants = list(Merchant.objects.filter(pk__gt=last_id).order_by("pk")[:batch])
    active = set(
        _active_merchants().filter(pk__in=[m.pk for m in merchants]).values_list("pk", flat=True)
    )
    return [
        (m.pk, merchant_document(m, offers_url=offers_url) if m.pk in active else None)
        for m in merchants
    ]
