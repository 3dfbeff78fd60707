from django.db.models import QuerySet

from portal.members.models import RedemptionItem, User
from portal.rewards.models import Fulfilment


def reward_catalogue() -> QuerySet[RedemptionItem]:
    return RedemptionItem.objects.filter(active=True).select_related("reward_option")


def fulfilments_of(*, member: User) -> QuerySet[Fulfilment]:
    return (
        Fulfilment.objects.filter(request__member=member)
        .select_related("request", "request__item", "outlet")
        .prefetch_related("steps")
        .order_by("-created_at")
    )


def fulfilments_for_staff(*, status: str = "") -> QuerySet[Fulfilment]:
    """Open requests by default (requested, approved, ready, shipped), oldest first."""
    rows = Fulfilment.objects.select_related(
        "request", "request__item", "request__member", "request__member__member_profile", "outlet"
    )
    if status:
        return rows.filter(status=status).order_by("-updated_at")
    return rows.exclude(status__in=Fulfilment.CLOSED).order_by("created_at")
