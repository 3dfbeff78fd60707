import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members.events import POINTS_EVENTS
from portal.members.models import MemberLevel, PointsCategory, PointsEntry, RedemptionItem, User
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


def effectiveness_report(*, year: int) -> dict:
    """积分计划效用分析: what the year's points bought. Per event (the rules' events): payments,
    members reached, reward points issued and their cost; grants; redemptions; members who
    reached each level during the year (upgrade balance crossing the level's threshold)."""
    plan = PointsPlan.objects.filter(year=year).first()
    point_value = plan.point_value if plan else Decimal("0")
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    earned = PointsEntry.objects.filter(
        ledger=PointsEntry.Ledger.REWARD, amount__gt=0, created_at__gte=start, created_at__lt=end
    )
    events = []
    by_event = (
        earned.filter(rule__isnull=False)
        .values("rule__event")
        .annotate(
            payments=Count("pk"), members=Count("member", distinct=True), points=Sum("amount")
        )
        .order_by("-points")
    )
    for row in by_event:
        event = POINTS_EVENTS.get(row["rule__event"])
        events.append(
            {
                "label": str(event.label) if event else row["rule__event"],
                "payments": row["payments"],
                "members": row["members"],
                "points": row["points"],
                "cost": row["points"] * point_value,
            }
        )
    grants = earned.filter(source_key__startswith="grant:").aggregate(
        payments=Count("pk"), members=Count("member", distinct=True), points=Sum("amount")
    )
    other = (
        earned.filter(rule__isnull=True)
        .exclude(source_key__startswith="grant:")
        .aggregate(
            payments=Count("pk"), members=Count("member", distinct=True), points=Sum("amount")
        )
    )
    for label, row in ((_("Bulk grants"), grants), (_("Other grants and corrections"), other)):
        if row["payments"]:
            events.append({**row, "label": str(label), "cost": row["points"] * point_value})
    redeemed = Fulfilment.objects.filter(
        status=Fulfilment.Status.FULFILLED, fulfilled_at__gte=start, fulfilled_at__lt=end
    ).aggregate(count=Count("pk"), points=Sum("request__points_cost"))
    upgrade = PointsEntry.objects.filter(ledger=PointsEntry.Ledger.UPGRADE, created_at__lt=end)
    balances = upgrade.values("member").annotate(
        before=Sum("amount", filter=Q(created_at__lt=start)), after=Sum("amount")
    )
    levels = list(MemberLevel.objects.filter(upgrade_points_threshold__gt=0).order_by("rank"))
    reached = {level.pk: 0 for level in levels}
    for row in balances.filter(after__gt=0).values_list("before", "after").iterator():
        before, after = row[0] or 0, row[1] or 0
        for level in levels:
            if before < level.upgrade_points_threshold <= after:
                reached[level.pk] += 1
    issued = sum(row["points"] for row in events)
    top = max((row["points"] for row in events), default=0) or 1
    for row in events:
        row["bar"] = round(row["points"] * 100 / top)
        row["per_member"] = round(row["points"] / row["members"]) if row["members"] else 0
    return {
        "year": year,
        "plan": plan,
        "point_value": point_value,
        "events": events,
        "issued": issued,
        "cost": issued * point_value,
        "redeemed_count": redeemed["count"],
        "redeemed_points": redeemed["points"] or 0,
        "levels": [{"level": level, "reached": reached[level.pk]} for level in levels],
    }
