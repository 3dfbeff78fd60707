"""Writes on cases: opening, routing, triage decisions, department work, member rating.

Every change that comes from a page carries the case version the user saw (optimistic locking):
if someone else changed the case in between, CaseConflict is raised and nothing is written.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board
from forum.cases import notify, routing
from forum.cases.models import (
    Case,
    CaseEvent,
    Category,
    Department,
    InvalidStatusChange,
    OfficialReply,
)
from forum.cases.sla import case_due_times_set
from forum.visibility import is_moderator, staff_department_ids
from portal.members.points import points_event_pay

logger = logging.getLogger(__name__)

__all__ = ["CaseConflict", "InvalidStatusChange"]


class CaseConflict(Exception):
    """Someone else changed the case since the page was loaded."""


# --- who may do what ----------------------------------------------------------------------


def can_triage(user) -> bool:
    return is_moderator(user)


def can_work_on(user, case: Case) -> bool:
    """Moderators, and the staff of the department the case is routed to."""
    return is_moderator(user) or (
        case.department_id is not None and case.department_id in staff_department_ids(user)
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change this case."))


def _lock(*, case: Case, version: int | None) -> None:
    """Bump the version if it is still the one the caller saw; reload the current state."""
    rows = Case.objects.filter(pk=case.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise CaseConflict(
            _(
                "Someone else changed this case while you were looking at it. "
                "Nothing was saved: reload the page to see the change, then try again."
            )
        )
    case.refresh_from_db()


def _event(*, case: Case, kind: str, by=None, note: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=by, kind=kind, note=note, data=data)


def _change_status(*, case: Case, status: str, by=None, note: str = "") -> None:
    old = case.status
    case.set_status(status)
    now = timezone.now()
    if status == Case.Status.RESOLVED:
        case.resolved_at = now
    elif old in (Case.Status.RESOLVED, Case.Status.CLOSED):
        case.resolved_at = None
    if status in (Case.Status.AWAITING_MEMBER, Case.Status.RESOLVED) and not case.first_response_at:
        case.first_response_at = now
    CaseEvent.objects.create(
        case=case,
        actor=by,
        kind=CaseEvent.Kind.STATUS,
        from_status=old,
        to_status=status,
        note=note,
    )
    transaction.on_commit(lambda: notify.member_status_changed(case=case))


def _save(case: Case) -> Case:
    case.full_clean()
    case.save()
    return case


# --- opening and routing ------------------------------------------------------------------


def case_text(case: Case) -> str:
    # Not topic.first_post: when the hook runs at once (autocommit), machina has not set it yet.
    first_post = Post.objects.filter(topic_id=case.topic_id).order_by("created", "pk").first()
    return f"{case.topic.subject}\n{first_post.content.raw if first_post else ''}"


def _project_for(topic: Topic, board: Board | None):
    if board is not None and board.project_id:
        return board.project
    if topic.poster_id is None:
        return None
    from portal.members.models import UnitOwnership

    ownership = (
        UnitOwnership.objects.filter(
            member_id=topic.poster_id, status=UnitOwnership.Status.VERIFIED
        )
        .select_related("project")
        .order_by("pk")
        .first()
    )
    return ownership.project if ownership else None


TYPE_BY_BOARD = {
    Board.Kind.COMPLAINTS: Case.Type.COMPLAINT,
    Board.Kind.SUGGESTIONS: Case.Type.SUGGESTION,
}


@transaction.atomic
def case_open(*, topic: Topic, by=None, type: str | None = None) -> Case:
    """The topic's case, opened once (idempotent); the clock starts at the topic's creation."""
    existing = Case.objects.filter(topic=topic).first()
    if existing is not None:
        return existing
    if by is not None:
        _require(can_triage(by))
    board = Board.objects.filter(forum_id=topic.forum_id).select_related("project").first()
    case = Case(
        topic=topic,
        type=type or TYPE_BY_BOARD.get(board.kind if board else None, Case.Type.INQUIRY),
        project=_project_for(topic, board),
        created_at=topic.created or timezone.now(),
    )
    if case.type == Case.Type.SUGGESTION:
        case.priority = 4
    case_due_times_set(case=case)
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.OPENED, by=by)
    return case


@transaction.atomic
def case_route_auto(*, case: Case) -> Case:
    """Ask the router; assign above the confidence threshold, else leave it for triage."""
    case = Case.objects.select_related("topic__first_post", "project").get(pk=case.pk)
    board = Board.objects.filter(forum_id=case.topic.forum_id).first()
    suggestion = routing.route(text=case_text(case), board=board, project=case.project)
    _lock(case=case, version=None)
    case.suggested_department = suggestion.department
    case.suggested_category = suggestion.category
    case.suggested_priority = suggestion.priority
    case.suggestion_confidence = suggestion.confidence
    case.suggestion_reasons = suggestion.reasons
    case.routing_model_version = suggestion.model_version
    case.routed_at = timezone.now()
    confident = (
        suggestion.department is not None
        and suggestion.confidence >= routing.confidence_threshold()
    )
    if confident and case.status == Case.Status.NEW:
        case.department = suggestion.department
        case.category = suggestion.category or case.category
        if case.type != Case.Type.SUGGESTION or suggestion.rule is not None:
            case.priority = suggestion.priority
        case_due_times_set(case=case)
        _change_status(case=case, status=Case.Status.ASSIGNED, note=", ".join(suggestion.reasons))
        _save(case)
        _event(
            case=case,
            kind=CaseEvent.Kind.ROUTED,
            note=", ".join(suggestion.reasons),
            department=case.department.code,
            confidence=suggestion.confidence,
        )
        transaction.on_commit(lambda: notify.department_assigned(case=case))
    else:
        _save(case)
        _event(
            case=case,
            kind=CaseEvent.Kind.SUGGESTED,
            note=", ".join(suggestion.reasons),
            department=suggestion.department.code if suggestion.department else None,
            confidence=suggestion.confidence,
        )
    return case


def case_open_and_route(*, topic_id: int) -> Case | None:
    """Open the topic's case and route it; a routing failure leaves it unrouted in triage."""
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        return None
    case = case_open(topic=topic)
    if case.routed_at is not None or case.status != Case.Status.NEW:
        return case
    try:
        return case_route_auto(case=case)
    except Exception as exc:
        logger.exception("Routing case %s failed", case.pk)
        _event(case=case, kind=CaseEvent.Kind.ROUTING_FAILED, note=repr(exc)[:500])
        return case


# --- moderators' decisions ----------------------------------------------------------------


def _assign(
    *,
    case: Case,
    by,
    department: Department,
    category: Category | None,
    priority: int | None,
    kind: str,
    note: str = "",
) -> Case:
    if not department.is_active:
        raise ValidationError(_("This department is not active."))
    previous = case.department
    case.department = department
    case.labelled_department = department
    if category is not None:
        case.category = category
    if priority is not None and int(priority) != case.priority:
        case.priority = int(priority)
        case_due_times_set(case=case)
    if case.status == Case.Status.NEW:
        _change_status(case=case, status=Case.Status.ASSIGNED, by=by, note=note)
    elif previous != department:
        case.assignee = None
    _save(case)
    _event(
        case=case,
        kind=kind,
        by=by,
        note=note,
        department=department.code,
        suggested=case.suggested_department.code if case.suggested_department else None,
    )
    if previous != department:
        transaction.on_commit(lambda: notify.department_assigned(case=case))
    return case


@transaction.atomic
def case_confirm(*, case: Case, by, version: int) -> Case:
    """One click: accept the router's suggestion (a training label)."""
    _require(can_triage(by))
    _lock(case=case, version=version)
    if case.suggested_department is None:
        raise ValidationError(_("There is no suggestion to confirm; choose a department."))
    return _assign(
        case=case,
        by=by,
        department=case.suggested_department,
        category=case.suggested_category,
        priority=case.suggested_priority,
        kind=CaseEvent.Kind.CONFIRMED,
    )


@transaction.atomic
def case_override(
    *,
    case: Case,
    by,
    version: int,
    department: Department,
    category: Category | None = None,
    priority: int | None = None,
    reason: str = "",
) -> Case:
    """Route to another department than suggested (also a training label)."""
    _require(can_triage(by))
    _lock(case=case, version=version)
    return _assign(
        case=case,
        by=by,
        department=department,
        category=category,
        priority=priority,
        kind=CaseEvent.Kind.OVERRIDDEN,
        note=reason,
    )


@transaction.atomic
def case_bulk_assign(*, case_ids: list[int], by, department: Department) -> int:
    """Route many cases to one department at once; returns how many were routed."""
    _require(can_triage(by))
    done = 0
    for case in Case.objects.filter(pk__in=case_ids, status__in=Case.OPEN_STATUSES):
        _lock(case=case, version=None)
        _assign(
            case=case,
            by=by,
            department=department,
            category=None,
            priority=None,
            kind=CaseEvent.Kind.OVERRIDDEN
            if case.suggested_department_id != department.pk
            else CaseEvent.Kind.CONFIRMED,
            note=_("bulk assignment"),
        )
        done += 1
    return done


# --- department work ----------------------------------------------------------------------


@transaction.atomic
def case_take(*, case: Case, by, version: int) -> Case:
    _require(can_work_on(by, case))
    _lock(case=case, version=version)
    case.assignee = by
    if case.status == Case.Status.ASSIGNED:
        _change_status(case=case, status=Case.Status.IN_PROGRESS, by=by)
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.ASSIGNED, by=by, assignee=by.get_username())
    return case


@transaction.atomic
def case_reply_official(*, case: Case, by, version: int, content: str) -> OfficialReply:
    """Answer in the topic as the department: a machina post, marked 官方回复."""
    _require(can_work_on(by, case))
    if not content.strip():
        raise ValidationError(_("Write a reply first."))
    _lock(case=case, version=version)
    department = case.department
    if department is None:
        raise ValidationError(_("Route the case to a department before replying."))
    post = Post(
        topic=case.topic,
        poster=by,
        subject=_("Official reply · %(department)s") % {"department": department.name},
        content=content,
        approved=True,
    )
    post.full_clean()
    post.save()
    reply = OfficialReply.objects.create(post=post, case=case, department=department)
    if case.first_response_at is None:
        case.first_response_at = timezone.now()
    if case.assignee_id is None:
        case.assignee = by
    if case.status == Case.Status.ASSIGNED:
        _change_status(case=case, status=Case.Status.IN_PROGRESS, by=by)
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.REPLIED, by=by, post=post.pk)
    return reply


@transaction.atomic
def case_status_change(*, case: Case, by, version: int, status: str, note: str = "") -> Case:
    _require(can_work_on(by, case))
    _lock(case=case, version=version)
    if status == Case.Status.NEW:
        raise InvalidStatusChange(_("Use “hand back to triage” to return a case."))
    _change_status(case=case, status=status, by=by, note=note)
    return _save(case)


@transaction.atomic
def case_hand_back(*, case: Case, by, version: int, reason: str) -> Case:
    """Department staff return a case that is not theirs to the moderators' queue."""
    _require(can_work_on(by, case))
    if not reason.strip():
        raise ValidationError(_("Say why the case goes back to triage."))
    _lock(case=case, version=version)
    department = case.department
    _change_status(case=case, status=Case.Status.NEW, by=by, note=reason)
    case.department = None
    case.assignee = None
    _save(case)
    _event(
        case=case,
        kind=CaseEvent.Kind.HANDED_BACK,
        by=by,
        note=reason,
        department=department.code if department else None,
    )
    return case


# --- members ------------------------------------------------------------------------------


def can_rate(user, case: Case) -> bool:
    return (
        user.is_authenticated
        and case.topic.poster_id == user.pk
        and case.status in (Case.Status.RESOLVED, Case.Status.CLOSED)
    )


@transaction.atomic
def case_rate(*, case: Case, by, satisfaction: int, comment: str = "") -> Case:
    """The member who opened the topic rates the resolution (1–5 with a comment)."""
    _require(can_rate(by, case))
    _lock(case=case, version=None)
    case.satisfaction = int(satisfaction)
    case.satisfaction_comment = comment.strip()
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.RATED, by=by, note=comment, satisfaction=satisfaction)
    # Rating earns points once per case, even when the member changes the rating later.
    points_event_pay(member=by, event="case_rated", source_key=f"case:{case.pk}", source=case)
    return case
