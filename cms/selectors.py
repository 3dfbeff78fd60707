"""Reads that combine the CMS with other areas or serve editors: active merchants (search),
merchants needing attention (the admin), the home page's forum sections. The pages' own reads
(news, handbook chapters, valid offers) are beside the page types in ``cms.models``."""

import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from machina.core.loading import get_class

from cms.models import Merchant, merchant_active_q
from forum.boards.models import Board
from forum.visibility import visible_topics

AGREEMENT_ENDING_DAYS = 30


# --- Offers and merchants -----------------------------------------------------------------
def merchants_active(*, day: datetime.date) -> QuerySet:
    return Merchant.objects.filter(merchant_active_q(day=day))


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


def home_forum_sections(*, home, request) -> dict:
    """The home page's forum parts: the latest topics the reader may see, the complaints board."""
    permission_handler = getattr(request, "forum_permission_handler", None)
    if permission_handler is None:  # previews and other requests without the middleware
        permission_handler = get_class("forum_permission.handler", "PermissionHandler")()
    return {
        "latest_topics": latest_topics(
            user=request.user, permission_handler=permission_handler, limit=home.topics_count
        ),
        "complaints_url": complaints_board_url(),
    }
