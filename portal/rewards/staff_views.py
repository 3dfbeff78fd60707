"""Staff pages of the points plan: the plan view (and its export), budget changes, bulk grants."""

import csv
import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.activities.selectors import activities_with_attendees
from portal.members.models import HousingProject, MemberLevel
from portal.members.points import PointsError
from portal.rewards.forms import BudgetChangeForm, GrantForm, RejectForm
from portal.rewards.grants import (
    APPROVE_PERMISSION,
    GRANT_PERMISSION,
    grant_approve,
    grant_create,
    grant_reject,
    grant_reverse,
    members_by_activity,
    members_by_numbers,
    members_by_segment,
)
from portal.rewards.models import PlanLine, PointsGrant
from portal.rewards.plan import plan_line_budget_change
from portal.rewards.selectors import effectiveness_report_cached, plan_summary_cached
from portal.rewards.views import staff_permission

PLAN_PERMISSION = "rewards.view_pointsplan"
# How far back the grant form offers activities whose attendees can be granted.
GRANT_ACTIVITY_DAYS = 2 * 365


def _cell(value) -> str:
    """Spreadsheet programs run a cell beginning with = + - @ as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _plan_year(year: int | None) -> int:
    if year is None:
        return timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@staff_permission(PLAN_PERMISSION)
def plan_view(request, year=None):
    year = _plan_year(year)
    summary = plan_summary_cached(year=year)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="points-plan-{year}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [_("Plan line"), _("Month"), _("Budget"), _("Issued"), _("Redeemed"), _("Expired")]
        )
        for row in [*summary["lines"], *summary["outside"]]:
            writer.writerow(
                [_cell(row["label"]), "", row["budget"] if row["budget"] is not None else "",
                 row["issued"], row["redeemed"], row["expired"]]
            )  # fmt: skip
            for month in row["months"]:
                writer.writerow(
                    [_cell(row["label"]), month["month"], "", month["issued"],
                     month["redeemed"], month["expired"]]
                )  # fmt: skip
        return response
    return render(
        request,
        "rewards/plan.html",
        {
            **summary,
            "budget_form": BudgetChangeForm(),
            "can_raise": request.user.has_perm("rewards.raise_planline"),
            "months": range(1, 13),
        },
    )


@require_POST
@staff_permission("rewards.raise_planline")
def plan_line_budget(request, pk):
    line = get_object_or_404(PlanLine.objects.select_related("plan"), pk=pk)
    form = BudgetChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new budget and a reason."))
    else:
        try:
            plan_line_budget_change(line=line, by=request.user, **form.cleaned_data)
        except (ValueError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The budget of %(line)s changed.") % {"line": line})
    return redirect("plan_view_year", year=line.plan.year)


def _grant_form(request):
    return GrantForm(
        request.POST or None,
        lines=PlanLine.objects.filter(plan__year=timezone.localdate().year).select_related("plan"),
        levels=MemberLevel.objects.order_by("rank"),
        projects=HousingProject.objects.order_by("name"),
        activities=activities_with_attendees(
            since=timezone.now() - datetime.timedelta(days=GRANT_ACTIVITY_DAYS)
        ),
    )


@staff_permission(GRANT_PERMISSION)
def grants(request):
    form = _grant_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = data["segment_activity"]
            if data["member_numbers"].strip():
                members = members_by_numbers(text=data["member_numbers"])
            elif activity:
                members = members_by_activity(activity=activity)
            else:
                members = members_by_segment(
                    level=data["segment_level"], project=int(data["segment_project"] or 0) or None
                )
            grant = grant_create(
                by=request.user,
                line=data["line"],
                members=members,
                reward_points=data["reward_points"],
                upgrade_points=data["upgrade_points"] or 0,
                reason=data["reason"],
                activity=activity,
            )
        except PointsError as exc:
            messages.error(request, str(exc))
        else:
            if grant.status == PointsGrant.Status.PAID:
                messages.success(request, _("Paid to %(count)s members.") % {"count": len(members)})
            else:
                messages.success(
                    request,
                    _("The grant to %(count)s members waits for a second person's approval.")
                    % {"count": len(members)},
                )
            line = PlanLine.objects.get(pk=data["line"].pk)
            if line.used_share >= PlanLine.WARN_SHARE:
                messages.warning(
                    request,
                    _("%(line)s has used %(percent)s%% of its budget.")
                    % {"line": line, "percent": round(line.used_share * 100)},
                )
            return redirect("grants")
    page = Paginator(
        PointsGrant.objects.select_related(
            "line", "line__plan", "created_by", "decided_by", "activity"
        )
        .annotate(n_recipients=Count("recipients"))
        .order_by("-created_at", "-pk"),
        30,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "rewards/grants.html",
        {
            "form": form,
            "page": page,
            "can_approve": request.user.has_perm(APPROVE_PERMISSION),
            "reject_form": RejectForm(),
            "threshold": settings.POINTS_GRANT_APPROVAL_THRESHOLD,
        },
    )


@require_POST
@staff_permission(APPROVE_PERMISSION)
def grant_decide(request, pk):
    grant = get_object_or_404(PointsGrant, pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            grant_approve(grant=grant, by=request.user)
            messages.success(request, _("Grant approved and paid."))
        elif decision == "reject":
            grant_reject(grant=grant, by=request.user)
            messages.success(request, _("Grant rejected."))
        elif decision == "reverse":
            grant_reverse(grant=grant, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Grant reversed."))
        else:
            messages.error(request, _("Choose what to do with the grant."))
    except (PointsError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("grants")


@staff_permission(PLAN_PERMISSION)
def plan_report(request, year):
    report = effectiveness_report_cached(year=_plan_year(year))
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="points-report-{year}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                _("What members did"),
                _("Payments"),
                _("Members"),
                _("Reward points"),
                _("Cost (yuan)"),
            ]
        )
        for row in report["events"]:
            writer.writerow(
                [_cell(row["label"]), row["payments"], row["members"], row["points"], row["cost"]]
            )
        writer.writerow([_("Redemptions fulfilled"), report["redeemed_count"], "",
                         report["redeemed_points"], ""])  # fmt: skip
        for row in report["levels"]:
            writer.writerow([_cell(_("Reached %(level)s") % {"level": row["level"].name}), "",
                             row["reached"], "", ""])  # fmt: skip
        return response
    return render(request, "rewards/report.html", report)
