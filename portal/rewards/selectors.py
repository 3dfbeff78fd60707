import datetime
import hashlib
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
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


_GRANTS, _OTHER = "__grants", "__other"


def _levels_reached(*, start, end, levels: list[MemberLevel]) -> dict[int, int]:
    """Per level, the members whose upgrade balance crossed its threshold in [start, end):
    counted in SQL over the members who earned upgrade points in the period (only they can
    have crossed one), each one's balance before and after summed from their whole history."""
    if not levels:
        return {}
    upgrade = PointsEntry.objects.filter(ledger=PointsEntry.Ledger.UPGRADE, created_at__lt=end)
    earners = upgrade.filter(created_at__gte=start, amount__gt=0).values("member")
    balances = (
        upgrade.filter(member__in=earners)
        .values("member")
        .annotate(
            before=Coalesce(Sum("amount", filter=Q(created_at__lt=start)), 0),
            after=Sum("amount"),
        )
    )
    counts = balances.aggregate(
        **{
            f"level_{level.pk}": Count(
                "member",
                filter=Q(
                    before__lt=level.upgrade_points_threshold,
                    after__gte=level.upgrade_points_threshold,
                ),
            )
            for level in levels
        }
    )
    return {level.pk: counts[f"level_{level.pk}"] or 0 for level in levels}


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
    # One pass over the year's reward entries: by the paying rule's event, bulk grants, the rest.
    source = Case(
        When(rule__isnull=False, then=F("rule__event")),
        When(source_key__startswith="grant:", then=Value(_GRANTS)),
        default=Value(_OTHER),
        output_field=CharField(),
    )
    by_source = {
        row["source"]: row
        for row in earned.annotate(source=source)
        .values("source")
        .annotate(
            payments=Count("pk"), members=Count("member", distinct=True), points=Sum("amount")
        )
        .order_by()
    }
    events = []
    for code, row in sorted(by_source.items(), key=lambda item: -item[1]["points"]):
        if code in (_GRANTS, _OTHER):
            continue
        event = POINTS_EVENTS.get(code)
        events.append(
            {
                "label": str(event.label) if event else code,
                "payments": row["payments"],
                "members": row["members"],
                "points": row["points"],
                "cost": row["points"] * point_value,
            }
        )
    for code, label in ((_GRANTS, _("Bulk grants")), (_OTHER, _("Other grants and corrections"))):
        row = by_source.get(code)
        if row and row["payments"]:
            events.append(
                {
                    "label": str(label),
                    "payments": row["payments"],
                    "members": row["members"],
                    "points": row["points"],
                    "cost": row["points"] * point_value,
                }
            )
    redeemed = Fulfilment.objects.filter(
        status=Fulfilment.Status.FULFILLED, fulfilled_at__gte=start, fulfilled_at__lt=end
    ).aggregate(count=Count("pk"), points=Sum("request__points_cost"))
    levels = list(MemberLevel.objects.filter(upgrade_points_threshold__gt=0).order_by("rank"))
    reached = _levels_reached(start=start, end=end, levels=levels)
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


# Kept per version of what they read: a new ledger entry (every issue, redemption, expiry and
# reversal writes one), a fulfilment moving, a budget or the point's value changing makes a
# new key, so a stale figure is never shown; the key costs two or three index look-ups.
REPORT_CACHE_SECONDS = 3600


def _plan_version(*, year: int) -> str:
    lines = PlanLine.objects.filter(plan__year=year).values_list(
        "pk", "budget", "plan__point_value"
    )
    last_entry = PlanEntry.objects.aggregate(last=Max("pk"))["last"]
    return f"{year}:{last_entry}:{sorted(lines)}"


def plan_summary_cached(*, year: int) -> dict:
    key = "rewards:plan:" + _version_hash(_plan_version(year=year))
    summary = cache.get(key)
    if summary is None:
        summary = plan_summary(year=year)
        cache.set(key, summary, REPORT_CACHE_SECONDS)
    return summary


def effectiveness_report_cached(*, year: int) -> dict:
    fulfilment = Fulfilment.objects.aggregate(last=Max("updated_at"))["last"]
    last_entry = PointsEntry.objects.aggregate(last=Max("pk"))["last"]
    version = f"{_plan_version(year=year)}:{last_entry}:{fulfilment}"
    key = "rewards:report:" + _version_hash(version)
    report = cache.get(key)
    if report is None:
        report = effectiveness_report(year=year)
        cache.set(key, report, REPORT_CACHE_SECONDS)
    return report


def _version_hash(version: str) -> str:
    return hashlib.sha256(version.encode()).hexdigest()[:32]
