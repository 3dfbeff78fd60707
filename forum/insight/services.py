"""Writes of the insight area: the recurring-issue refresh, the monthly figures, and the
improvement list's moves (with their notices and points)."""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from machina.apps.forum_conversation.models import Post

from forum.boards.models import TopicVisibility
from forum.cases.models import Case, Category, Department, OfficialReply
from forum.insight import mining
from forum.insight.models import (
    ImprovementEvent,
    ImprovementItem,
    InsightRun,
    MonthlyFigure,
    RecurringIssue,
)
from forum.insight.permissions import can_change_improvement, can_create_improvement
from forum.insight.selectors import linked_members
from portal.members.models import HousingProject
from portal.members.points import points_event_pay

MAX_LINKED_POSTS = 500
RUNS_KEPT_DAYS = 400


# --- recurring issues -------------------------------------------------------------------------


def feedback_posts(*, start: datetime, end: datetime):
    """What members wrote in the window, as the grouping may read it.

    Approved posts in approved topics of the club's boards (a forum without a ``Board`` row is
    not a member board and is never read); official replies are the company's own words; a
    staff-only topic counts only when it is a case (a private complaint or a desk case), never
    otherwise. Internal notes are not posts and are never read.
    """
    staff_only = TopicVisibility.objects.filter(topic_id=OuterRef("topic_id"), staff_only=True)
    return (
        Post.objects.filter(
            approved=True,
            topic__approved=True,
            created__gte=start,
            created__lt=end,
            topic__forum__board__isnull=False,
        )
        .exclude(Exists(OfficialReply.objects.filter(post_id=OuterRef("pk"))))
        .exclude(Q(Exists(staff_only)) & Q(topic__case__isnull=True))
    )


def _group_of(board_project_id, case_project_id):
    return board_project_id or case_project_id


def _weekly(created: list[datetime], *, start: datetime, end: datetime) -> list[int]:
    weeks = max(1, (end - start).days // 7 + (1 if (end - start).days % 7 else 0))
    counts = [0] * weeks
    for moment in created:
        counts[min(weeks - 1, (moment - start).days // 7)] += 1
    return counts


def _monthly(created: list[datetime]) -> dict[str, int]:
    counts = Counter(timezone.localtime(moment).strftime("%Y-%m") for moment in created)
    return dict(sorted(counts.items()))


def _trend(recent: int, previous: int) -> str:
    if previous == 0:
        return RecurringIssue.Trend.NEW if recent else RecurringIssue.Trend.STEADY
    if recent >= previous * 1.25 and recent - previous >= 2:
        return RecurringIssue.Trend.RISING
    if recent <= previous * 0.75 and previous - recent >= 2:
        return RecurringIssue.Trend.FALLING
    return RecurringIssue.Trend.STEADY


def _share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _majority(values):
    counts = Counter(v for v in values if v is not None)
    return counts.most_common(1)[0][0] if counts else None


def _issue_key(*, project_id, department_id, name: str) -> str:
    return f"{project_id or '-'}|{department_id or '-'}|{name}"[:200]


def recurring_issues_refresh(
    *,
    days: int = 90,
    now: datetime | None = None,
    progress: mining.Progress | None = None,
    min_posts: int = 3,
) -> InsightRun:
    """Group the window's posts into recurring issues and store them as a new run."""
    progress = progress or mining._no_progress
    now = now or timezone.now()
    start = now - timedelta(days=days)
    clock = time.monotonic()
    run = InsightRun.objects.create(started_at=now, window_start=start, window_end=now)

    rows = feedback_posts(start=start, end=now).values_list(
        "pk",
        "topic_id",
        "topic__subject",
        "content",
        "created",
        "poster_id",
        "topic__forum__board__project_id",
        "topic__case__project_id",
    )
    documents, created, posters = [], [], []
    first_post_ids = set()
    for (
        pk,
        topic_id,
        subject,
        content,
        moment,
        poster_id,
        board_project,
        case_project,
    ) in rows.order_by("pk").iterator(chunk_size=5000):
        if topic_id not in first_post_ids:
            # The first post of a topic we meet (lowest pk) carries the subject too.
            first_post_ids.add(topic_id)
            text = f"{subject}\n{content}"
        else:
            text = content or ""
        documents.append(
            mining.Document(
                post_id=pk,
                topic_id=topic_id,
                group=_group_of(board_project, case_project),
                text=text,
            )
        )
        created.append(moment)
        posters.append(poster_id)
    project_names = list(HousingProject.objects.values_list("name", flat=True))
    clusters = mining.cluster_documents(
        documents, progress=progress, remove=project_names, min_posts=min_posts
    )

    topic_ids = {documents[i].topic_id for c in clusters for i in c.members}
    cases = {}
    topic_list = list(topic_ids)
    for offset in range(0, len(topic_list), 5000):
        for case in Case.objects.filter(topic_id__in=topic_list[offset : offset + 5000]).only(
            "pk",
            "topic_id",
            "department_id",
            "category_id",
            "unit",
            "created_at",
            "first_response_at",
            "first_response_due",
            "resolved_at",
            "resolution_due",
            "satisfaction",
        ):
            cases[case.topic_id] = case

    previous_run = (
        InsightRun.objects.filter(
            finished_at__isnull=False, window_end__lte=now - timedelta(days=25)
        )
        .order_by("-window_end")
        .first()
    )
    previous_counts = (
        dict(RecurringIssue.objects.filter(run=previous_run).values_list("key", "post_count"))
        if previous_run
        else {}
    )
    recent_from = now - timedelta(days=30)
    previous_from = now - timedelta(days=60)
    issues = []
    for cluster in clusters:
        if not cluster.name:
            continue
        members = cluster.members
        member_topics = list(dict.fromkeys(documents[i].topic_id for i in members))
        member_cases = [cases[t] for t in member_topics if t in cases]
        moments = [created[i] for i in members]
        department_id = _majority(c.department_id for c in member_cases)
        category_id = _majority(c.category_id for c in member_cases)
        if department_id is None:
            department_id, category_id = _predicted(
                [documents[i].text for i in members[:5]], category_id
            )
        first_due = [
            bool(c.first_response_at and c.first_response_at <= c.first_response_due)
            for c in member_cases
            if c.first_response_due and (c.first_response_at or c.first_response_due < now)
        ]
        resolution_due = [
            bool(c.resolved_at and c.resolved_at <= c.resolution_due)
            for c in member_cases
            if c.resolution_due and (c.resolved_at or c.resolution_due < now)
        ]
        ratings = [c.satisfaction for c in member_cases if c.satisfaction]
        recent = sum(1 for m in moments if m >= recent_from)
        previous = sum(1 for m in moments if previous_from <= m < recent_from)
        key = _issue_key(project_id=cluster.group, department_id=department_id, name=cluster.name)
        issues.append(
            RecurringIssue(
                run=run,
                name=cluster.name,
                key=key,
                project_id=cluster.group,
                department_id=department_id,
                category_id=category_id,
                terms=cluster.terms,
                post_count=len(members),
                topic_count=len(member_topics),
                member_count=len({posters[i] for i in members if posters[i]}),
                recent_count=recent,
                previous_count=previous,
                trend=_trend(recent, previous),
                weekly_counts=_weekly(moments, start=start, end=now),
                monthly_counts=_monthly(moments),
                units=sorted({c.unit for c in member_cases if c.unit})[:20],
                case_count=len(member_cases),
                case_share=round(len(member_cases) / len(member_topics), 3),
                first_response_sla_share=_share(first_due),
                resolution_sla_share=_share(resolution_due),
                satisfaction_average=round(statistics.fmean(ratings), 2) if ratings else None,
                example_post_ids=[documents[i].post_id for i in members[: mining.EXAMPLES]],
                post_ids=[documents[i].post_id for i in members[:MAX_LINKED_POSTS]],
                topic_ids=member_topics[:MAX_LINKED_POSTS],
                case_ids=[c.pk for c in member_cases][:MAX_LINKED_POSTS],
                previous_month_count=previous_counts.get(key),
            )
        )
    with transaction.atomic():
        RecurringIssue.objects.bulk_create(issues, batch_size=500)
        run.posts = len(documents)
        run.issues = len(issues)
        run.finished_at = timezone.now()
        run.seconds = round(time.monotonic() - clock, 2)
        run.save()
        _runs_prune(now=now, keep=run)
    return run


def _predicted(texts: list[str], category_id):
    """A department (and category) for an issue no case routed: the router's classifier."""
    from forum.cases.routing import route_by_model

    suggestion = route_by_model(text="\n".join(texts))
    if suggestion is None or suggestion.department is None:
        return None, category_id
    category = suggestion.category.pk if suggestion.category else None
    return suggestion.department.pk, category_id or category


def _runs_prune(*, now: datetime, keep: InsightRun) -> None:
    """Keep the newest run and one run a month (movement since last month needs them)."""
    old = InsightRun.objects.exclude(pk=keep.pk).filter(
        Q(finished_at__isnull=True, started_at__lt=now - timedelta(days=1))
        | Q(window_end__lt=now - timedelta(days=RUNS_KEPT_DAYS))
    )
    old.delete()
    monthly_kept = set()
    for pk, window_end in (
        InsightRun.objects.exclude(pk=keep.pk)
        .filter(finished_at__isnull=False)
        .order_by("-window_end")
        .values_list("pk", "window_end")
    ):
        month = timezone.localtime(window_end).strftime("%Y-%m")
        if month in monthly_kept:
            InsightRun.objects.filter(pk=pk).delete()
        else:
            monthly_kept.add(month)


# --- monthly figures --------------------------------------------------------------------------


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _hours(delta) -> float:
    return delta.total_seconds() / 3600


def _figures(cases: list, now: datetime) -> dict:
    first = [_hours(c.first_response_at - c.created_at) for c in cases if c.first_response_at]
    resolution = [_hours(c.resolved_at - c.created_at) for c in cases if c.resolved_at]
    sla = [
        bool(c.resolved_at and c.resolved_at <= c.resolution_due)
        for c in cases
        if c.resolution_due and (c.resolved_at or c.resolution_due < now)
    ]
    ratings = [c.satisfaction for c in cases if c.satisfaction]
    return {
        "cases": len(cases),
        "first_response_median_hours": round(statistics.median(first), 1) if first else None,
        "resolution_median_hours": round(statistics.median(resolution), 1) if resolution else None,
        "sla_share": _share(sla),
        "satisfaction_average": round(statistics.fmean(ratings), 2) if ratings else None,
    }


def monthly_figures_refresh(*, months: int = 12, now: datetime | None = None) -> int:
    """Recompute the last ``months`` months of case figures (all, per department, per project,
    per project and category); returns the rows written."""
    now = now or timezone.now()
    this_month = _month_start(timezone.localdate(now))
    first = _add_months(this_month, -(months - 1))
    tz = timezone.get_current_timezone()
    start = datetime(first.year, first.month, 1, tzinfo=tz)
    grouped: dict[tuple, list] = defaultdict(list)
    for case in (
        Case.objects.filter(created_at__gte=start)
        .only(
            "created_at",
            "department_id",
            "project_id",
            "category_id",
            "first_response_at",
            "resolved_at",
            "resolution_due",
            "satisfaction",
        )
        .iterator(chunk_size=5000)
    ):
        month = _month_start(timezone.localdate(case.created_at))
        grouped[(month, MonthlyFigure.Scope.ALL, None, None, None)].append(case)
        grouped[(month, MonthlyFigure.Scope.DEPARTMENT, case.department_id, None, None)].append(
            case
        )
        grouped[(month, MonthlyFigure.Scope.PROJECT, None, case.project_id, None)].append(case)
        if case.project_id:
            grouped[
                (
                    month,
                    MonthlyFigure.Scope.PROJECT_CATEGORY,
                    None,
                    case.project_id,
                    case.category_id,
                )
            ].append(case)
    rows = [
        MonthlyFigure(
            month=month,
            scope=scope,
            department_id=department_id,
            project_id=project_id,
            category_id=category_id,
            **_figures(cases, now),
        )
        for (month, scope, department_id, project_id, category_id), cases in grouped.items()
        if not (scope == MonthlyFigure.Scope.DEPARTMENT and department_id is None)
        and not (scope == MonthlyFigure.Scope.PROJECT and project_id is None)
    ]
    with transaction.atomic():
        MonthlyFigure.objects.filter(month__gte=first).delete()
        MonthlyFigure.objects.filter(month__lt=_add_months(first, -12)).delete()
        MonthlyFigure.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- improvement list -------------------------------------------------------------------------


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Give a reason for this step."))
    return text[:500]


@transaction.atomic
def improvement_create(
    *,
    by,
    title: str,
    department: Department,
    reason: str,
    description: str = "",
    project: HousingProject | None = None,
    due_date: date | None = None,
    topic_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    issue: RecurringIssue | None = None,
) -> ImprovementItem:
    """A moderator promotes a recurring issue, or cases, to the improvement list (提出)."""
    if not can_create_improvement(by):
        raise PermissionDenied
    reason = _reason(reason)
    topic_ids = list(topic_ids or [])
    case_ids = list(case_ids or [])
    if issue is not None:
        topic_ids += issue.topic_ids
        case_ids += issue.case_ids
        project = project or issue.project
    if case_ids:
        topic_ids += list(Case.objects.filter(pk__in=case_ids).values_list("topic_id", flat=True))
    item = ImprovementItem(
        title=title.strip()[:120],
        description=description,
        department=department,
        project=project,
        due_date=due_date,
        source_issue_name=issue.name if issue else "",
        created_by=by,
    )
    item.full_clean()
    item.save()
    item.topics.set(sorted(set(topic_ids)))
    item.cases.set(Case.objects.filter(pk__in=set(case_ids)))
    ImprovementEvent.objects.create(
        item=item, actor=by, from_status="", to_status=item.status, reason=reason
    )
    transaction.on_commit(lambda: _notify(item_id=item.pk))
    return item


@transaction.atomic
def improvement_move(*, item: ImprovementItem, by, status: str, reason: str) -> ImprovementItem:
    """Move an item along 提出 → 评估中 → 已采纳 → 已落实 / 不采纳, with the reason recorded."""
    if not can_change_improvement(by, item):
        raise PermissionDenied
    reason = _reason(reason)
    item = ImprovementItem.objects.select_for_update().get(pk=item.pk)
    old = item.status
    item.set_status(status)
    item.save()
    ImprovementEvent.objects.create(
        item=item, actor=by, from_status=old, to_status=status, reason=reason
    )
    if status in ImprovementItem.MEMBER_NEWS:
        for member in linked_members(item=item):
            # Paid once per member and item, whichever of adopt and implement comes first.
            points_event_pay(
                member=member,
                event="suggestion_adopted",
                source_key=f"improvement:{item.pk}:{member.pk}",
                source=item,
                by=by,
            )
    transaction.on_commit(lambda: _notify(item_id=item.pk))
    return item


@transaction.atomic
def improvement_update(
    *, item: ImprovementItem, by, due_date: date | None, title: str, description: str
) -> ImprovementItem:
    if not can_change_improvement(by, item):
        raise PermissionDenied
    item.due_date = due_date
    item.title = title.strip()[:120]
    item.description = description
    item.full_clean()
    item.save()
    return item


def _notify(*, item_id: int) -> None:
    from forum.insight.notify import improvement_notify

    improvement_notify(item_id=item_id)


def category_for(code: str) -> Category | None:
    return Category.objects.filter(code=code).first()
