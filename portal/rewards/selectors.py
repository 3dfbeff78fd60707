from django.db.models import QuerySet, Sum

from portal.members.models import PointsCategory, RedemptionItem, User
from portal.rewards.models import Fulfilment, PlanEntry, PlanLine, PointsPlan


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


MONTHS = range(1, 13)


def plan_summary(*, year: int) -> dict:
    """The plan view: per line (and outside the plan) the budget, issued, redeemed, expired and
    remaining points, in total and per month; ``warn`` at 80% of the budget, ``over`` at 100%."""
    plan = PointsPlan.objects.filter(year=year).first()
    lines = list(PlanLine.objects.filter(plan=plan).order_by("category")) if plan else []
    sums = (
        PlanEntry.objects.filter(year=year)
        .values("line_id", "category", "month", "kind")
        .annotate(total=Sum("amount"))
    )
    rows = {line.pk: _row(label=str(line.get_category_display()), line=line) for line in lines}
    outside = {}
    for s in sums:
        if s["line_id"] in rows:
            row = rows[s["line_id"]]
        else:
            label = PointsCategory(s["category"]).label if s["category"] else "—"
            row = outside.setdefault(s["category"], _row(label=str(label), line=None))
        kind = s["kind"]
        amount = (
            abs(s["total"])
            if kind in (PlanEntry.Kind.REDEEMED, PlanEntry.Kind.EXPIRED)
            else s["total"]
        )
        key = "issued" if kind in (PlanEntry.Kind.ISSUED, PlanEntry.Kind.REVERSED) else kind
        row[key] += amount
        row["months"][s["month"] - 1][key] += amount
    for row in rows.values():
        line = row["line"]
        row["budget"] = line.budget
        row["remaining"] = line.budget - row["issued"]
        row["share"] = row["issued"] / line.budget if line.budget else (1.0 if row["issued"] else 0)
        row["percent"] = round(row["share"] * 100)
        row["warn"] = row["share"] >= PlanLine.WARN_SHARE
        row["over"] = row["share"] >= 1
    totals = _row(label="", line=None)
    for row in [*rows.values(), *outside.values()]:
        for key in ("issued", "redeemed", "expired"):
            totals[key] += row[key]
    totals["budget"] = sum(line.budget for line in lines)
    totals["remaining"] = totals["budget"] - sum(row["issued"] for row in rows.values())
    return {
        "plan": plan,
        "year": year,
        "lines": list(rows.values()),
        "outside": list(outside.values()),
        "totals": totals,
    }


def _row(*, label: str, line) -> dict:
    return {
        "label": label,
        "line": line,
        "budget": None,
        "issued": 0,
        "redeemed": 0,
        "expired": 0,
        "remaining": None,
        "months": [{"month": m, "issued": 0, "redeemed": 0, "expired": 0} for m in MONTHS],
    }
