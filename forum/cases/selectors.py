"""Reads on cases: the queues, a member's cases, what a case page shows."""

from __future__ import annotations

import re

from django.db import models
from django.db.models import F, Q, QuerySet, TextField
from django.db.models.functions import Substr
from django.utils import timezone

from forum.cases.models import (
    Case,
    CaseEvent,
    CaseFollowUp,
    CaseNote,
    Department,
    OfficialReply,
    ReplyTemplate,
    case_due_expression,
)
from forum.cases.sla import warning_window

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_email(value: str) -> str:
    if not value or "@" not in value:
        return value or ""
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str) -> str:
    digits = value or ""
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def mask_personal_data(text: str) -> str:
    """Hide emails and mainland mobile numbers a member wrote in their post."""
    text = _EMAIL.sub(r"\1***\2", text or "")
    return _PHONE.sub(r"\1****\2", text)


def can_view_member_pii(user) -> bool:
    return user.has_perm("portal.view_member_pii")


def _with_due(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """`due`: the first response until there is one, then the resolution."""
    return queryset.annotate(due=case_due_expression())


def _queue_base() -> QuerySet[Case]:
    # Joined: what every row shows from the big tables. The small lookup tables (departments,
    # categories, projects) come in one query each: with them joined too, planning the
    # query took 21 ms of the page at 50k open cases, against 3 ms without.
    return _with_due(
        Case.objects.select_related(
            "topic__poster", "topic__forum", "topic__first_post", "assignee"
        ).prefetch_related(
            "department", "suggested_department", "suggested_category", "category", "project"
        )
    )


def _queue_sorted() -> QuerySet[Case]:
    # The queues are paged over their sorted ids and the page's rows read as plain values
    # (``case_queue_rows``): no model instances, joins or prefetches here.
    return _with_due(Case.objects.all())


# What a queue row shows, read as plain values for one page (forum/cases/queue_rows.py).
EXCERPT_LENGTH = 140
QUEUE_ROW_FIELDS = (
    "pk",
    "version",
    "type",
    "priority",
    "status",
    "department_id",
    "category_id",
    "project_id",
    "suggested_department_id",
    "suggested_category_id",
    "suggestion_confidence",
    "suggestion_reasons",
    "assignee_id",
    "first_response_at",
    "resolution_due",
    "due",
)


def case_queue_rows(cases: QuerySet[Case], *, ids: list[int]) -> dict[int, dict]:
    """The cases of ``cases`` among ``ids`` (one page of a queue), each as the plain values its
    row shows, by id. Read from the queue's own filtered query, so a case that left the queue
    since it was paged (closed, routed elsewhere) is left out, as before; the first post's text
    only as far as the excerpt (the same characters as slicing it in Python); the categories'
    names."""
    rows = (
        cases.filter(pk__in=ids)
        .order_by()
        .values(
            *QUEUE_ROW_FIELDS,
            subject=F("topic__subject"),
            poster_id=F("topic__poster_id"),
            poster_display_name=F("topic__poster__display_name"),
            poster_username=F("topic__poster__username"),
            poster_email=F("topic__poster__email"),
            excerpt=Substr(
                "topic__first_post__content", 1, EXCERPT_LENGTH, output_field=TextField()
            ),
            assignee_display_name=F("assignee__display_name"),
            assignee_username=F("assignee__username"),
            # Joined (a tiny table, by primary key) rather than a query of their own.
            category_name=F("category__name"),
            suggested_category_name=F("suggested_category__name"),
        )
    )
    return {row["pk"]: row for row in rows}


def _filtered(queryset: QuerySet[Case], filters: dict) -> QuerySet[Case]:
    now = timezone.now()
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    else:
        queryset = queryset.filter(status__in=Case.OPEN_STATUSES)
    if filters.get("department"):
        if filters["department"] == "none":
            queryset = queryset.filter(department__isnull=True)
        else:
            queryset = queryset.filter(department__code=filters["department"])
    if filters.get("project"):
        queryset = queryset.filter(project_id=filters["project"])
    if filters.get("priority"):
        queryset = queryset.filter(priority=filters["priority"])
    if filters.get("type"):
        queryset = queryset.filter(type=filters["type"])
    owner = filters.get("owner")
    if owner == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif owner == "me" and filters.get("user") is not None:
        queryset = queryset.filter(assignee=filters["user"])
    elif owner and str(owner).isdecimal():
        queryset = queryset.filter(assignee_id=int(owner))
    if filters.get("due") == "soon":
        queryset = queryset.filter(due__gte=now, due__lte=now + warning_window())
    elif filters.get("due") == "overdue":
        queryset = queryset.filter(due__lt=now)
    return queryset.order_by(F("due").asc(nulls_last=True), "pk")


def case_list_for_triage(*, filters: dict | None = None) -> QuerySet[Case]:
    """Moderators' queue: every open case (or the chosen status), what is due first on top."""
    return _filtered(_queue_sorted(), filters or {})


def case_list_for_department(
    *, department: Department, filters: dict | None = None
) -> QuerySet[Case]:
    """A department's queue: unowned cases first, then what is due first."""
    # By the department's id, not its code through a join: PostgreSQL then knows which
    # department and reads its cases by index (as a join on the code it sorted every open case
    # of every department, 190 ms at 9,000 open cases).
    filters = dict(filters or {}, department=None)
    return (
        _filtered(_queue_sorted().filter(department_id=department.pk), filters)
        .annotate(
            owned=models.Case(
                models.When(assignee__isnull=True, then=0),
                default=1,
                output_field=models.IntegerField(),
            )
        )
        .order_by("owned", F("due").asc(nulls_last=True), "pk")
    )


def case_list_for_owner(*, owner) -> QuerySet[Case]:
    """我的工单: the open cases the user owns, what is due first on top."""
    return (
        _queue_base()
        .filter(assignee=owner, status__in=Case.OPEN_STATUSES)
        .order_by(F("due").asc(nulls_last=True), "pk")
    )


def case_notes(*, case: Case) -> QuerySet[CaseNote]:
    return case.notes.select_related("author").prefetch_related("mentions")


def reply_templates_for(*, case: Case) -> QuerySet[ReplyTemplate]:
    """The active templates of the case's department, and those offered to every department."""
    return ReplyTemplate.objects.filter(is_active=True).filter(
        Q(department_id=case.department_id) | Q(department__isnull=True)
    )


def reply_template_render(*, template: ReplyTemplate, case: Case) -> str:
    """The template's text with its placeholders filled in for the case (plain replacement, so
    other braces in the text stay as written)."""
    member = case.member or case.topic.poster
    due = (
        timezone.localtime(case.resolution_due).strftime("%Y-%m-%d %H:%M")
        if case.resolution_due
        else ""
    )
    values = {
        "{member}": member.public_name if member else "",
        "{case}": f"#{case.pk}",
        "{due}": due,
        "{department}": case.department.name if case.department else "",
    }
    text = template.body
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def case_list_for_member(*, member) -> QuerySet[Case]:
    """The member's cases (their own topics, and service-desk cases for them), newest first."""
    mine = Q(topic__poster=member, member__isnull=True) | Q(member=member)
    return _with_due(
        Case.objects.filter(mine).select_related("topic__forum", "department", "category")
    ).order_by("-created_at")


def case_get(*, pk: int) -> Case:
    return _queue_base().get(pk=pk)


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor")


def due_state(case: Case, now=None) -> str:
    """ "overdue", "soon" or "" for a queue row."""
    now = now or timezone.now()
    due = getattr(case, "due", None) or case.current_due
    return due_state_at(is_open=case.is_open, due=due, now=now)


def due_state_at(*, is_open: bool, due, now) -> str:
    """ "overdue", "soon" or "" for an open case next due at ``due``."""
    if not is_open or due is None:
        return ""
    if due < now:
        return "overdue"
    if due <= now + warning_window():
        return "soon"
    return ""


def official_reply_departments(*, topic) -> dict[int, str]:
    """The posts of a topic that are official replies, each with the name of the department that
    signs it (marked 官方回复 and signed "— 工程部" on the topic page)."""
    return dict(
        OfficialReply.objects.filter(post__topic=topic).values_list("post_id", "department__name")
    )


def follow_ups_open() -> QuerySet[CaseFollowUp]:
    """回访 and low-rating follow-ups still to do, oldest first."""
    return (
        CaseFollowUp.objects.filter(done_at__isnull=True)
        .select_related("case__topic__poster", "case__member", "case__department")
        .order_by("created_at", "pk")
    )


def department_members(department: Department) -> QuerySet:
    """Who may own a department's cases: its staff group and its heads."""
    return department.members()
