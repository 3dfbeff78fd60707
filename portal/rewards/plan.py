"""The yearly points plan: booking ledger entries on plan lines, budgets and their raises.

Every new reward-ledger entry passes through :func:`plan_entry_book` (registered in
``portal.members.points.POINTS_BOOKKEEPERS``): it is booked on the line of its category in the
plan of its year, and an entry that would issue more than the line's budget is refused with
``PointsBudgetError`` (the rule is skipped, the grant refused) until an approver raises the
budget. Entries in a year or category without a line are booked outside the plan (非常规).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members.models import PointsEntry
from portal.members.points import PointsBudgetError
from portal.rewards.models import PlanEntry, PlanLine, PlanLineChange, PointsPlan

Kind = PlanEntry.Kind


def plan_entry_kind(entry: PointsEntry) -> str:
    if entry.amount > 0:
        return Kind.ISSUED
    if entry.source_key.startswith("expiry:"):
        return Kind.EXPIRED
    if entry.source_key.startswith("redemption:"):
        return Kind.REDEEMED
    return Kind.REVERSED


def plan_line_for(*, category: str, year: int, lock: bool = False) -> PlanLine | None:
    lines = PlanLine.objects.filter(plan__year=year, category=category)
    if lock:
        lines = lines.select_for_update()
    return lines.first()


def budget_refusal_message(*, line: PlanLine, amount: int) -> str:
    return _(
        "The budget of %(line)s has %(remaining)s reward points left; %(amount)s were asked. "
        "An approver can raise the budget."
    ) % {"line": line, "remaining": max(line.remaining, 0), "amount": amount}


def plan_entry_book(*, entry: PointsEntry) -> PlanEntry | None:
    """Book one new ledger entry (called inside the transaction that wrote it)."""
    if entry.ledger != PointsEntry.Ledger.REWARD:
        return None
    at = timezone.localtime(entry.created_at)
    kind = plan_entry_kind(entry)
    counts_against_budget = kind in (Kind.ISSUED, Kind.REVERSED)
    line = plan_line_for(category=entry.category, year=at.year, lock=counts_against_budget)
    if line is not None and counts_against_budget:
        if entry.amount > 0 and line.issued + entry.amount > line.budget:
            raise PointsBudgetError(budget_refusal_message(line=line, amount=entry.amount))
        PlanLine.objects.filter(pk=line.pk).update(issued=F("issued") + entry.amount)
    return PlanEntry.objects.create(
        entry=entry,
        line=line,
        year=at.year,
        month=at.month,
        category=entry.category,
        kind=kind,
        amount=entry.amount,
    )


@transaction.atomic
def plan_line_budget_change(*, line: PlanLine, budget: int, by, reason: str) -> PlanLine:
    """An approver sets a line's budget (a raise lets refused grants through); logged."""
    if not by.has_perm("rewards.raise_planline"):
        raise PermissionDenied(_("You may not change plan budgets."))
    if not reason.strip():
        raise ValueError(_("Say why the budget changes."))
    line = PlanLine.objects.select_for_update().get(pk=line.pk)
    if budget < 0:
        raise ValueError(_("A budget cannot be negative."))
    PlanLineChange.objects.create(
        line=line, old_budget=line.budget, new_budget=budget, reason=reason[:200], by=by
    )
    line.budget = budget
    line.save(update_fields=["budget"])
    return line


def plan_for(*, year: int) -> PointsPlan | None:
    return PointsPlan.objects.filter(year=year).prefetch_related("lines").first()
