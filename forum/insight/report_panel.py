"""The insight part of ``/triage/reports/`` (and of the monthly mail): recurring issues with their
movement, 12-month trends, the project × category heat map and the improvement list's progress.

Everything here reads precomputed rows (``RecurringIssue``, ``MonthlyFigure``), so the page
stays fast at any number of posts.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from forum.insight import charts, selectors
from forum.insight.models import MonthlyFigure, ReportSubscription
from forum.insight.permissions import can_create_improvement, can_see_recurring_issues
from forum.visibility import is_moderator, readable_forum_ids

MONTHS = 12
MEASURES = (
    ("cases", "Cases per month"),
    ("first_response_median_hours", "First response, median hours"),
    ("resolution_median_hours", "Resolution, median hours"),
    ("sla_share", "Resolved within SLA"),
    ("satisfaction_average", "Satisfaction average"),
)


def _months(today: date) -> list[date]:
    index = today.year * 12 + today.month - 1
    return [date((i) // 12, (i) % 12 + 1, 1) for i in range(index - MONTHS + 1, index + 1)]


def _series(rows, *, months, key, name_of, measure, limit=6):
    by_key: dict = defaultdict(dict)
    totals: dict = defaultdict(int)
    for row in rows:
        by_key[getattr(row, key)][row.month] = getattr(row, measure)
        totals[getattr(row, key)] += row.cases
    keys = sorted(by_key, key=lambda k: -totals[k])[:limit]
    return [(name_of(k), [by_key[k].get(m) for m in months]) for k in keys]


def _measure_charts(rows, *, months, labels, key, names, scope) -> list[SafeString]:
    """One 12-month line chart per measure, a line per department or project."""
    return [
        charts.svg_line_chart(
            title=_(title) + " · " + scope,
            labels=labels,
            series=_series(
                rows, months=months, key=key, name_of=lambda k: names.get(k, ""), measure=measure
            ),
        )
        for measure, title in MEASURES
    ]


def trend_charts(*, user, departments: list | None) -> list[SafeString]:
    """Per department (and, for moderators, per project): each measure over 12 months."""
    from forum.cases.models import Department
    from portal.members.models import HousingProject

    months = _months(timezone.localdate())
    labels = [m.strftime("%Y-%m")[2:] for m in months]
    figures = MonthlyFigure.objects.filter(month__gte=months[0])
    department_rows = list(figures.filter(scope=MonthlyFigure.Scope.DEPARTMENT))
    if departments is not None:
        allowed = {d.pk for d in departments}
        department_rows = [r for r in department_rows if r.department_id in allowed]
    charts_of = functools.partial(_measure_charts, months=months, labels=labels)
    result = charts_of(
        department_rows,
        key="department_id",
        names=dict(Department.objects.values_list("pk", "name")),
        scope=_("by department"),
    )
    if departments is None:
        result += charts_of(
            list(figures.filter(scope=MonthlyFigure.Scope.PROJECT)),
            key="project_id",
            names=dict(HousingProject.objects.values_list("pk", "name")),
            scope=_("by housing project"),
        )
    return result


def heat_map() -> SafeString:
    """Cases of the last 12 months per housing project (rows) and category (columns)."""
    from forum.cases.models import Category
    from portal.members.models import HousingProject

    months = _months(timezone.localdate())
    totals: dict[tuple, int] = defaultdict(int)
    for project_id, category_id, cases in MonthlyFigure.objects.filter(
        scope=MonthlyFigure.Scope.PROJECT_CATEGORY, month__gte=months[0]
    ).values_list("project_id", "category_id", "cases"):
        totals[(project_id, category_id)] += cases
    project_ids = sorted({p for p, _c in totals}, key=lambda p: -sum(
        n for (pp, _c), n in totals.items() if pp == p))[:15]  # fmt: skip
    category_ids = sorted({c for _p, c in totals}, key=lambda c: (c is None, c or 0))
    projects = dict(HousingProject.objects.filter(pk__in=project_ids).values_list("pk", "name"))
    categories = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "name"))
    values = {
        (row, column): totals.get((p, c), 0)
        for row, p in enumerate(project_ids)
        for column, c in enumerate(category_ids)
    }
    return charts.svg_heat_map(
        title=_("Cases in 12 months: housing project × category"),
        rows=[projects.get(p, "") for p in project_ids],
        columns=[
            categories.get(c, _("Not assigned")) if c else _("Not assigned") for c in category_ids
        ],  # fmt: skip
        values=values,
    )


def report_context(*, user, department=None, project=None, permission_handler=None) -> dict:
    """What the panel (and the mail) shows to ``user``; heads see their departments only."""
    from forum.cases.models import Department
    from forum.insight.permissions import headed_department_ids

    departments = None
    if not is_moderator(user):
        departments = list(Department.objects.filter(pk__in=headed_department_ids(user)))
    run = selectors.current_run()
    issues = selectors.recurring_issues_for(
        user=user, department=department, project=project, limit=10, run=run
    )
    forums = (
        readable_forum_ids(user=user, permission_handler=permission_handler)
        if permission_handler is not None and issues
        else None
    )
    examples = (
        selectors.visible_posts_each(
            user=user,
            post_id_lists=[issue.example_post_ids for issue in issues],
            permission_handler=permission_handler,
            forums=forums,
        )
        if forums is not None
        else [[] for _ in issues]
    )
    rows = [
        {
            "issue": issue,
            "examples": issue_examples,
            "sparkline": charts.svg_sparkline(
                issue.weekly_counts, label=_("Posts per week: %(name)s") % {"name": issue.name}
            ),
        }
        for issue, issue_examples in zip(issues, examples, strict=True)
    ]
    progress_department = department
    if departments is not None and department is None and len(departments) == 1:
        progress_department = departments[0]
    return {
        "recurring_rows": rows,
        "run": run,
        "trend_charts": trend_charts(user=user, departments=departments),
        "heat_map": heat_map() if departments is None else None,
        "progress": selectors.improvement_progress(user=user, department=progress_department),
        "can_promote": can_create_improvement(user),
    }


def recurring_report_panel(*, request, department=None, project=None, **_kwargs) -> SafeString:
    user = request.user
    if not can_see_recurring_issues(user):
        return SafeString("")
    context = report_context(
        user=user,
        department=department,
        project=project,
        permission_handler=getattr(request, "forum_permission_handler", None),
    )
    context["subscribed"] = ReportSubscription.objects.filter(user=user, monthly_mail=True).exists()
    return render_to_string("insight/report_panel.html", context, request=request)
