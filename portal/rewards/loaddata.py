"""Load data for the points plan: a plan per year the generated ledgers span, with budgets a
little above what was issued, every reward entry booked on its line, and a fulfilment for each
generated redemption request (pending → requested, approved → fulfilled at a service centre)."""

import math
from collections import defaultdict

from django.db.models import Sum
from django.utils import timezone

from portal.loaddata.core import LoadContext, next_id, reset_sequences
from portal.members.models import PointsCategory, PointsEntry, RedemptionRequest
from portal.rewards.models import Fulfilment, PlanEntry, PlanLine, PointsPlan
from portal.rewards.plan import plan_entry_kind

# Budgets so that lines land around 70–95% used: the plan view shows warnings at scale.
BUDGET_HEADROOM = 1.2
CHUNK = 20_000


def plan(ctx: LoadContext) -> None:
    entries = PointsEntry.objects.filter(
        ledger=PointsEntry.Ledger.REWARD, plan_entry__isnull=True
    ).order_by("pk")
    issued = defaultdict(int)
    for at, category, amount in (
        entries.filter(amount__gt=0)
        .values_list("created_at", "category", "amount")
        .iterator(chunk_size=CHUNK)
    ):
        issued[(timezone.localtime(at).year, category)] += amount
    lines = {}
    for year in sorted({year for year, _category in issued}):
        points_plan, _created = PointsPlan.objects.get_or_create(
            year=year, defaults={"name": f"{year} 年度积分计划"}
        )
        for category in PointsCategory.values:
            used = issued.get((year, category), 0)
            budget = max(1000, math.ceil(used * BUDGET_HEADROOM / 1000) * 1000)
            line, _created = PlanLine.objects.get_or_create(
                plan=points_plan, category=category, defaults={"budget": budget}
            )
            lines[(year, category)] = line.pk
    rows = []
    for entry in entries.only("pk", "created_at", "category", "amount", "source_key").iterator(
        chunk_size=CHUNK
    ):
        at = timezone.localtime(entry.created_at)
        rows.append(
            (entry.pk, lines.get((at.year, entry.category)), at.year, at.month, entry.category,
             plan_entry_kind(entry), entry.amount)
        )  # fmt: skip
    first = next_id(PlanEntry)
    fields = ["id", "entry", "line", "year", "month", "category", "kind", "amount"]
    with ctx.progress(len(rows), "plan entries") as bar:
        ctx.writer(PlanEntry, fields).write(((first + n, *row) for n, row in enumerate(rows)), bar)
    reset_sequences(PlanEntry)
    for line_id, total in (
        PlanEntry.objects.filter(line__isnull=False, kind__in=["issued", "reversed"])
        .values_list("line")
        .annotate(total=Sum("amount"))
    ):
        PlanLine.objects.filter(pk=line_id).update(issued=total)
    _fulfilments(ctx)


def _fulfilments(ctx: LoadContext) -> None:
    Status = Fulfilment.Status
    requests = list(
        RedemptionRequest.objects.filter(fulfilment__isnull=True)
        .order_by("pk")
        .values_list("pk", "status", "created_at", "decided_at", "decided_by")
    )
    first = next_id(Fulfilment)
    rows = (
        (first + n, pk, "pickup",
         Status.REQUESTED if status == RedemptionRequest.Status.PENDING else Status.FULFILLED,
         created, decided or created, decided, by)
        for n, (pk, status, created, decided, by) in enumerate(requests)
    )  # fmt: skip
    fields = ["id", "request", "method", "status", "created_at", "updated_at", "fulfilled_at",
              "fulfilled_by"]  # fmt: skip
    with ctx.progress(len(requests), "fulfilments") as bar:
        ctx.writer(Fulfilment, fields).write(rows, bar)
    reset_sequences(Fulfilment)
