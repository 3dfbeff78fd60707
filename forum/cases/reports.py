"""The monthly report: volumes, response and resolution times, SLA share, satisfaction, and the
recurring issues design and engineering should take into the next project.

Percentiles are nearest-rank (p90 of 10 values is the 9th smallest); times are in hours.
"""

from __future__ import annotations

import io
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from forum.cases.models import Case
from forum.cases.routing import terms
from portal.members.exports import csv_writer, xlsx_append

# Other areas add sections to the report page (the recurring issues and trends of
# forum.insight): each a callable ``panel(*, request, department, project) -> SafeString``,
# registered from its AppConfig.ready() so that cases never imports them.
REPORT_PANELS: list = []


def report_panel_register(panel) -> None:
    if panel not in REPORT_PANELS:
        REPORT_PANELS.append(panel)


def report_panels_render(*, request, department=None, project=None) -> list[SafeString]:
    return [
        panel(request=request, department=department, project=project) for panel in REPORT_PANELS
    ]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Durations:
    n: int = 0
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, hours: list[float]) -> Durations:
        if not hours:
            return cls()
        return cls(n=len(hours), median=statistics.median(hours), p90=percentile(hours, 0.9))


@dataclass
class Share:
    within: int = 0
    n: int = 0

    @property
    def ratio(self) -> float | None:
        return self.within / self.n if self.n else None


@dataclass
class Report:
    year: int
    month: int
    project: object = None
    total: int = 0
    by_department: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_project: list[tuple[str, int]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    first_response: Durations = field(default_factory=Durations)
    resolution: Durations = field(default_factory=Durations)
    first_response_sla: Share = field(default_factory=Share)
    resolution_sla: Share = field(default_factory=Share)
    satisfaction_average: float | None = None
    satisfaction_n: int = 0
    recurring: list[dict] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    department: object = None
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    follow_ups_done: int = 0


def _hours(delta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def _counts(queryset, path: str, labels: dict | None = None) -> list[tuple[str, int]]:
    rows = queryset.values(path).annotate(n=Count("pk")).order_by("-n", path)
    result = []
    for row in rows:
        key = row[path]
        label = (labels or {}).get(key, key) if key is not None else _("Not assigned")
        result.append((str(label), row["n"]))
    return result


def report_build(
    *, year: int, month: int, project=None, department=None, now: datetime | None = None
) -> Report:
    from forum.cases.models import CaseFollowUp

    now = now or timezone.now()
    start, end = month_bounds(year, month)
    queryset = Case.objects.filter(created_at__gte=start, created_at__lt=end)
    follow_ups = CaseFollowUp.objects.filter(done_at__gte=start, done_at__lt=end)
    if project is not None:
        queryset = queryset.filter(project=project)
        follow_ups = follow_ups.filter(case__project=project)
    if department is not None:
        queryset = queryset.filter(department=department)
        follow_ups = follow_ups.filter(case__department=department)
    report = Report(year=year, month=month, project=project, department=department)
    report.follow_ups_done = follow_ups.count()
    report.by_channel = _counts(queryset, "channel", dict(Case.Channel.choices))
    report.total = queryset.count()
    report.by_department = _counts(queryset, "department__name")
    report.by_category = _counts(queryset, "category__name")
    report.by_project = _counts(queryset, "project__name")
    report.by_status = _counts(queryset, "status", dict(Case.Status.choices))

    cases = list(
        queryset.select_related("department", "category", "project", "topic__first_post").order_by(
            "created_at", "pk"
        )
    )
    report.cases = cases
    report.first_response = Durations.of(
        [_hours(c.first_response_at - c.created_at) for c in cases if c.first_response_at]
    )
    report.resolution = Durations.of(
        [_hours(c.resolved_at - c.created_at) for c in cases if c.resolved_at]
    )
    for case in cases:
        if case.first_response_at or (case.first_response_due and case.first_response_due < now):
            report.first_response_sla.n += 1
            if case.first_response_at and case.first_response_at <= case.first_response_due:
                report.first_response_sla.within += 1
        if case.resolved_at or (case.resolution_due and case.resolution_due < now):
            report.resolution_sla.n += 1
            if case.resolved_at and case.resolved_at <= case.resolution_due:
                report.resolution_sla.within += 1
    ratings = [c.satisfaction for c in cases if c.satisfaction]
    report.satisfaction_n = len(ratings)
    report.satisfaction_average = round(statistics.fmean(ratings), 2) if ratings else None
    report.recurring = recurring_issues(cases)
    return report


def _case_text(case: Case) -> str:
    first_post = case.topic.first_post
    return f"{case.topic.subject}\n{first_post.content.raw if first_post else ''}"


def recurring_issues(cases: list[Case], *, top: int = 8, examples: int = 3) -> list[dict]:
    """Per department: the words most cases mention (counted once a case) and example cases."""
    by_department: dict[str, list[tuple[Case, set[str]]]] = {}
    for case in cases:
        name = case.department.name if case.department else _("Not assigned")
        by_department.setdefault(name, []).append((case, set(terms(_case_text(case)))))
    result = []
    for name, items in sorted(by_department.items()):
        counter = Counter(term for _case, words in items for term in words)
        top_terms = [(term, n) for term, n in counter.most_common(top) if n > 1] or (
            counter.most_common(min(top, 3))
        )
        leading = {term for term, _n in top_terms[:3]}
        sample = [case for case, words in items if words & leading][:examples]
        result.append({"department": name, "terms": top_terms, "examples": sample})
    return result


def svg_bar_chart(items: list[tuple[str, float]], *, title: str) -> SafeString:
    """A horizontal bar chart as inline SVG, drawn on the server (no chart library needed)."""
    width, bar, label_width, top = 520, 24, 150, 28
    height = top + bar * max(len(items), 1) + 8
    largest = max((value for _label, value in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * bar
        length = (width - label_width - 60) * value / largest
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 16}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{bar - 8}" '
            f'fill="#2f6f9f"></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="12">'
            f"{escape(str(value))}</text>"
        )
    if not items:
        parts.append(f'<text x="0" y="{top + 16}" font-size="12">{escape(_("No cases"))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _fmt(value):
    return "" if value is None else value


def report_rows(report: Report) -> list[list]:
    """The report as rows, for CSV and XLSX: sections separated by a blank row; figures stay
    numbers (XLSX cells a spreadsheet can sum)."""
    rows = [
        [_("Month"), f"{report.year}-{report.month:02d}"],
        [_("Housing project"), str(report.project or _("All projects"))],
        [_("Cases"), report.total],
        [],
        [_("Measure"), _("n"), _("Median (hours)"), _("90th percentile (hours)")],
        [
            _("First response time"),
            report.first_response.n,
            _fmt(report.first_response.median),
            _fmt(report.first_response.p90),
        ],
        [
            _("Resolution time"),
            report.resolution.n,
            _fmt(report.resolution.median),
            _fmt(report.resolution.p90),
        ],
        [],
        [_("Within SLA"), _("Within"), _("n"), _("Share")],
        [
            _("First response"),
            report.first_response_sla.within,
            report.first_response_sla.n,
            _fmt(report.first_response_sla.ratio),
        ],
        [
            _("Resolution"),
            report.resolution_sla.within,
            report.resolution_sla.n,
            _fmt(report.resolution_sla.ratio),
        ],
        [],
        [_("Satisfaction average"), _fmt(report.satisfaction_average), report.satisfaction_n],
        [_("Follow-ups done"), report.follow_ups_done],
    ]
    for heading, items in (
        (_("By department"), report.by_department),
        (_("By category"), report.by_category),
        (_("By housing project"), report.by_project),
        (_("By status"), report.by_status),
        (_("By channel"), report.by_channel),
    ):
        rows += [[], [heading, _("Cases")], *[[label, n] for label, n in items]]
    rows += [[], [_("Recurring issues"), _("Term"), _("Cases")]]
    for group in report.recurring:
        rows += [[group["department"], term, n] for term, n in group["terms"]]
    return rows


def report_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerows(report_rows(report))
    return buffer.getvalue()


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "summary"
    for row in report_rows(report):
        xlsx_append(summary, row)
    sheet = workbook.create_sheet("cases")
    xlsx_append(
        sheet,
        [
            _("Case"),
            _("Subject"),
            _("Type"),
            _("Department"),
            _("Category"),
            _("Housing project"),
            _("Priority"),
            _("Status"),
            _("Created at"),
            _("First response at"),
            _("Resolved at"),
            _("Satisfaction"),
        ],
    )
    tz = timezone.get_current_timezone()
    for case in report.cases:
        xlsx_append(
            sheet,
            [
                case.pk,
                case.topic.subject,
                case.get_type_display(),
                str(case.department or ""),
                str(case.category or ""),
                str(case.project or ""),
                case.get_priority_display(),
                case.get_status_display(),
                *[
                    value.astimezone(tz).replace(tzinfo=None) if value else None
                    for value in (case.created_at, case.first_response_at, case.resolved_at)
                ],
                case.satisfaction,
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
