"""Reads for the CMS pages: which news, chapters, offers and merchants a reader or editor sees."""

import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from machina.core.loading import get_class

from cms.models import (
    HandbookChapterPage,
    Merchant,
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
)
from forum.boards.models import Board
from forum.visibility import visible_topics

RELATED_NEWS_COUNT = 3
AGREEMENT_ENDING_DAYS = 30


# --- News ---------------------------------------------------------------------------------
def news_published(*, index: NewsIndexPage | None = None, category: str = "") -> QuerySet:
    articles = NewsPage.objects.live().public().select_related("cover_image")
    if index is not None:
        articles = articles.child_of(index)
    if category:
        articles = articles.filter(category=category)
    return articles.order_by("-date", "-first_published_at", "-pk")


def news_related(*, article: NewsPage, limit: int = RELATED_NEWS_COUNT) -> list[NewsPage]:
    """The newest other articles of the same category, then of any category to fill up."""
    same = list(news_published(category=article.category).exclude(pk=article.pk)[:limit])
    if len(same) < limit:
        same += list(
            news_published().exclude(pk__in=[article.pk, *(a.pk for a in same)])[
                : limit - len(same)
            ]
        )
    return same


# --- Handbook -----------------------------------------------------------------------------
def handbook_chapters(*, handbook, user, with_body: bool = False) -> list[HandbookChapterPage]:
    """Live chapters in reading order (depth first); members-only ones only for members."""
    chapters = HandbookChapterPage.objects.live().descendant_of(handbook).order_by("path")
    if not user.is_authenticated:
        chapters = chapters.public()
    if not with_body:
        chapters = chapters.defer_streamfields()
    return list(chapters)


def handbook_toc(*, chapters: list[HandbookChapterPage]) -> list[dict]:
    """Nested table of contents: [{"chapter": page, "children": [...]}, ...]."""
    roots: list[dict] = []
    by_path: dict[str, dict] = {}
    for chapter in chapters:
        node = {"chapter": chapter, "children": []}
        by_path[chapter.path] = node
        parent = by_path.get(chapter.path[: -chapter.steplen])
        (parent["children"] if parent else roots).append(node)
    return roots


def handbook_neighbours(*, chapters: list[HandbookChapterPage], chapter) -> dict:
    paths = [c.path for c in chapters]
    if chapter.path not in paths:
        return {"previous_chapter": None, "next_chapter": None}
    position = paths.index(chapter.path)
    return {
        "previous_chapter": chapters[position - 1] if position > 0 else None,
        "next_chapter": chapters[position + 1] if position + 1 < len(chapters) else None,
    }


# --- Offers and merchants -----------------------------------------------------------------
def merchant_active_q(*, day: datetime.date, prefix: str = "") -> Q:
    """THE rule for an active merchant: status active and the agreement not ended on ``day``.

    ``prefix`` reaches a merchant through a relation (``"merchant__"`` from an offer).
    """
    return Q(**{f"{prefix}status": Merchant.Status.ACTIVE, f"{prefix}agreement_end__gte": day})


def merchants_active(*, day: datetime.date) -> QuerySet:
    return Merchant.objects.filter(merchant_active_q(day=day))


def offers_valid_on(
    *,
    day: datetime.date,
    parent: OfferIndexPage | None = None,
    category: str = "",
    city: str = "",
) -> QuerySet:
    offers = (
        OfferPage.objects.live()
        .public()
        .filter(
            merchant_active_q(day=day, prefix="merchant__"),
            valid_from__lte=day,
            valid_to__gte=day,
        )
        .select_related("merchant", "merchant__logo")
        .prefetch_related("eligible_levels")
    )
    if parent is not None:
        offers = offers.child_of(parent)
    if category:
        offers = offers.filter(merchant__category=category)
    if city:
        offers = offers.filter(merchant__city=city)
    return offers.order_by("valid_to", "pk")


def offer_cities(*, parent: OfferIndexPage) -> list[str]:
    return sorted(
        set(
            OfferPage.objects.live()
            .child_of(parent)
            .values_list("merchant__city", flat=True)
            .distinct()
        )
    )


def merchants_due_for_check(*, today: datetime.date) -> QuerySet:
    """Active merchants whose monthly qualification check is missing or older than 30 days."""
    cutoff = today - datetime.timedelta(days=Merchant.CHECK_INTERVAL_DAYS)
    return Merchant.objects.filter(
        Q(qualification_checked_on__isnull=True) | Q(qualification_checked_on__lt=cutoff),
        status=Merchant.Status.ACTIVE,
    ).order_by("qualification_checked_on", "name")


def merchants_agreement_ending(
    *, today: datetime.date, within_days: int = AGREEMENT_ENDING_DAYS
) -> QuerySet:
    """Active merchants whose agreement ends between today and ``within_days`` from now."""
    return Merchant.objects.filter(
        status=Merchant.Status.ACTIVE,
        agreement_end__gte=today,
        agreement_end__lte=today + datetime.timedelta(days=within_days),
    ).order_by("agreement_end", "name")


# --- Home ---------------------------------------------------------------------------------
def complaints_board_url() -> str | None:
    board = Board.objects.filter(kind=Board.Kind.COMPLAINTS).select_related("forum").first()
    if board is None:
        return None
    return reverse("forum:forum", kwargs={"slug": board.forum.slug, "pk": board.forum.pk})


def latest_topics(*, user, permission_handler, limit: int) -> list:
    return list(
        visible_topics(user=user, permission_handler=permission_handler)
        .select_related("forum", "poster", "last_post")
        .order_by("-last_post_on", "-pk")[:limit]
    )


def home_sections(*, home, request) -> dict:
    permission_handler = getattr(request, "forum_permission_handler", None)
    if permission_handler is None:  # previews and other requests without the middleware
        permission_handler = get_class("forum_permission.handler", "PermissionHandler")()
    return {
        "latest_news": list(news_published()[: home.news_count]),
        "offers_today": list(offers_valid_on(day=timezone.localdate())[: home.offers_count]),
        "latest_topics": latest_topics(
            user=request.user, permission_handler=permission_handler, limit=home.topics_count
        ),
        "complaints_url": complaints_board_url(),
        "handbook_url": "/handbook/",
    }
