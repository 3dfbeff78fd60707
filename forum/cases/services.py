"""Writes on cases: opening, routing, triage decisions, department work, member rating.

Every change that comes from a page carries the case version the user saw (optimistic locking):
if someone else changed the case in between, CaseConflict is raised and nothing is written.
"""

from __future__ import annotations

import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board
from forum.boards.posting import post_length_error
from forum.cases import notify, routing
from forum.cases.models import (
    Case,
    CaseEvent,
    CaseFollowUp,
    CaseNote,
    Category,
    Department,
    DepartmentAlertPreference,
    InvalidStatusChange,
    OfficialReply,
)
from forum.cases.rating_links import RatingLinkInvalid, rating_token_case
from forum.cases.selectors import department_members
from forum.cases.sla import case_due_times_set
from forum.cases.windows import confirm_window, reopen_window
from forum.reader_facts import reader_fact
from forum.visibility import is_moderator, staff_department_ids
from portal.members.points import points_event_pay

logger = logging.getLogger(__name__)

__all__ = ["CaseConflict", "InvalidStatusChange", "RatingLinkInvalid"]


class CaseConflict(Exception):
    """Someone else changed the case since the page was loaded."""


# --- who may do what ----------------------------------------------------------------------


def can_triage(user) -> bool:
    return is_moderator(user)


def headed_department_ids(user) -> frozenset[int]:
    """The departments the user heads (cached on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_headed_department_ids"):
        user._headed_department_ids = reader_fact(
            user,
            "headed_departments",
            lambda: frozenset(Department.objects.filter(heads=user).values_list("pk", flat=True)),
        )
    return user._headed_department_ids


def can_work_on(user, case: Case) -> bool:
    """Moderators, and the staff and heads of the department the case is routed to."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_moderator(user) or (
        case.department_id is not None
        and (
            case.department_id in staff_department_ids(user)
            or case.department_id in headed_department_ids(user)
        )
    )


def is_case_member(user, case: Case) -> bool:
    """The member whose case it is (the topic's poster, or whom the service desk opened it for)."""
    return bool(getattr(user, "is_authenticated", False) and user.pk == case.member_id_for_case)


def can_see_rating(user, case: Case) -> bool:
    """A rating and its comment are the member's and the staff's business only (#13.11)."""
    return is_case_member(user, case) or can_work_on(user, case)


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
        # The 回访 call: staff phone the member after every resolution and record the outcome.
        if not case.follow_ups.filter(kind=CaseFollowUp.Kind.CALLBACK, done_at=None).exists():
            CaseFollowUp.objects.create(case=case, kind=CaseFollowUp.Kind.CALLBACK, created_at=now)
    elif old in (Case.Status.RESOLVED, Case.Status.CLOSED):
        case.resolved_at = None
    # The member's answer clock (auto-close after CASE_CONFIRM_DAYS) runs from this moment.
    case.awaiting_member_since = now if status == Case.Status.AWAITING_MEMBER else None
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
def case_intake_record(
    *,
    topic: Topic,
    member,
    ownership=None,
    project=None,
    category: Category | None = None,
    contact_way: str = "",
    visit_time: str = "",
) -> Case:
    """What the member filled in on the structured complaint/suggestion form, on the case.

    ``ownership`` is one of the member's verified units (its project and unit land on the case);
    a member who owns none may name a ``project``. The router runs afterwards as for any topic.
    """
    from portal.members.models import UnitOwnership

    case = case_open(topic=topic)
    if ownership is not None:
        if ownership.member_id != member.pk or ownership.status != UnitOwnership.Status.VERIFIED:
            raise ValidationError(_("Choose one of your verified units."))
        case.project = ownership.project
        case.unit = f"{ownership.building}-{ownership.unit}"
    elif project is not None:
        case.project = project
    if category is not None:
        case.category = category
    if contact_way and contact_way not in Case.ContactWay.values:
        raise ValidationError(_("Choose how we should contact you."))
    case.contact_way = contact_way
    case.visit_time = (visit_time or "").strip()
    return _save(case)


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
    if case.assignee_id not in (None, by.pk) and not can_assign_owner(by, case):
        raise ValidationError(
            _("%(owner)s owns this case; ask them to hand it over.")
            % {"owner": case.assignee.public_name}
        )
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
    too_long = post_length_error(content=content)
    if too_long:
        raise ValidationError(too_long)
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


# --- members ---------------------------------------------------------------------------------


def can_rate(user, case: Case) -> bool:
    return is_case_member(user, case) and case.status in (
        Case.Status.RESOLVED,
        Case.Status.CLOSED,
    )


def can_confirm(user, case: Case) -> bool:
    """At 待会员确认 the member confirms it is solved or says it is not (仍未解决)."""
    return is_case_member(user, case) and case.status == Case.Status.AWAITING_MEMBER


def can_reopen(user, case: Case, now=None) -> bool:
    """A resolved case can be reopened by its member within CASE_REOPEN_DAYS of resolution."""
    if not is_case_member(user, case) or case.status != Case.Status.RESOLVED:
        return False
    now = now or timezone.now()
    return case.resolved_at is not None and case.resolved_at >= now - reopen_window()


REASON_MAX = 500


def _reason(reason: str, *, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(missing)
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Keep it under %(max)d characters (you wrote %(n)d).")
            % {"max": REASON_MAX, "n": len(reason)}
        )
    return reason


@transaction.atomic
def case_member_confirm(*, case: Case, by) -> Case:
    """确认已解决: the member agrees the case is solved."""
    _require(can_confirm(by, case))
    _lock(case=case, version=None)
    if case.status != Case.Status.AWAITING_MEMBER:
        raise InvalidStatusChange(_("This case no longer waits for your confirmation."))
    _change_status(case=case, status=Case.Status.RESOLVED, by=by)
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.MEMBER_CONFIRMED, by=by)
    return case


@transaction.atomic
def case_member_reject(*, case: Case, by, reason: str) -> Case:
    """仍未解决: back to 处理中 for the same department; the SLA clock keeps running."""
    _require(can_confirm(by, case))
    reason = _reason(reason, missing=_("Tell the department what is still not solved."))
    _lock(case=case, version=None)
    if case.status != Case.Status.AWAITING_MEMBER:
        raise InvalidStatusChange(_("This case no longer waits for your confirmation."))
    _change_status(case=case, status=Case.Status.IN_PROGRESS, by=by, note=reason)
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.MEMBER_REJECTED, by=by, note=reason)
    transaction.on_commit(lambda: notify.department_member_answered(case=case, reason=reason))
    return case


@transaction.atomic
def case_member_reopen(*, case: Case, by, reason: str, now=None) -> Case:
    """The member reopens a resolved case within the reopen window."""
    now = now or timezone.now()
    if not is_case_member(by, case):
        _require(False)
    if not can_reopen(by, case, now=now):
        raise InvalidStatusChange(
            _("This case can no longer be reopened; please file a new complaint.")
        )
    reason = _reason(reason, missing=_("Tell the department what is still not solved."))
    _lock(case=case, version=None)
    _change_status(case=case, status=Case.Status.IN_PROGRESS, by=by, note=reason)
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.REOPENED, by=by, note=reason)
    transaction.on_commit(lambda: notify.department_member_answered(case=case, reason=reason))
    return case


def cases_auto_close(*, now=None) -> int:
    """Cases the member left unanswered for CASE_CONFIRM_DAYS are resolved, with a notice."""
    now = now or timezone.now()
    due = Case.objects.filter(
        status=Case.Status.AWAITING_MEMBER, awaiting_member_since__lte=now - confirm_window()
    ).values_list("pk", flat=True)
    closed = 0
    for pk in list(due):
        with transaction.atomic():
            case = Case.objects.select_related("topic").get(pk=pk)
            try:
                _lock(case=case, version=case.version)
            except CaseConflict:
                continue
            if case.status != Case.Status.AWAITING_MEMBER:
                continue
            _change_status(
                case=case,
                status=Case.Status.RESOLVED,
                note=_("No answer from the member within %(days)d days.")
                % {"days": confirm_window().days},
            )
            _save(case)
            _event(case=case, kind=CaseEvent.Kind.AUTO_CLOSED)
            transaction.on_commit(lambda case=case: notify.member_auto_closed(case=case))
            closed += 1
    return closed


LOW_RATING = 2


def _rating_apply(*, case: Case, by, satisfaction: int, comment: str, via: str) -> Case:
    case.satisfaction = int(satisfaction)
    case.satisfaction_comment = comment.strip()
    _save(case)
    _event(
        case=case,
        kind=CaseEvent.Kind.RATED,
        by=by,
        note=comment,
        satisfaction=satisfaction,
        via=via,
    )
    if case.satisfaction <= LOW_RATING:
        follow_up, created = CaseFollowUp.objects.get_or_create(
            case=case, kind=CaseFollowUp.Kind.LOW_RATING, done_at=None
        )
        if created:
            _event(case=case, kind=CaseEvent.Kind.FOLLOW_UP, note=follow_up.get_kind_display())
            transaction.on_commit(lambda: notify.moderators_low_rating(case=case))
    member = case.member or case.topic.poster
    if member is not None:
        # Rating earns points once per case, even when the member changes the rating later.
        points_event_pay(
            member=member, event="case_rated", source_key=f"case:{case.pk}", source=case
        )
    return case


@transaction.atomic
def case_rate(*, case: Case, by, satisfaction: int, comment: str = "") -> Case:
    """The member rates the resolution (1–5 with a comment); 1–2 opens a follow-up."""
    _require(can_rate(by, case))
    _lock(case=case, version=None)
    return _rating_apply(case=case, by=by, satisfaction=satisfaction, comment=comment, via="site")


@transaction.atomic
def case_rate_by_token(*, token: str, satisfaction: int, comment: str = "") -> Case:
    """Rate through the mailed link, no login needed; the link works once."""
    case = rating_token_case(token=token)
    claimed = Case.objects.filter(pk=case.pk, rating_link_used_at__isnull=True).update(
        rating_link_used_at=timezone.now(), version=F("version") + 1
    )
    if not claimed:
        raise RatingLinkInvalid(_("This rating link was already used."))
    case.refresh_from_db()
    member = case.member or case.topic.poster
    return _rating_apply(
        case=case, by=member, satisfaction=satisfaction, comment=comment, via="mail"
    )


# --- staff working together: owners, internal notes, suggestion outcomes -------------------


def can_assign_owner(user, case: Case) -> bool:
    """Moderators and the head of the case's department assign any owner."""
    return is_moderator(user) or (
        case.department_id is not None and case.department_id in headed_department_ids(user)
    )


@transaction.atomic
def case_owner_set(*, case: Case, by, version: int, owner) -> Case:
    """Assign an owner (moderators, department heads) or hand over the case (its owner)."""
    _require(can_work_on(by, case))
    _lock(case=case, version=version)
    if not (can_assign_owner(by, case) or case.assignee_id == by.pk):
        raise PermissionDenied(_("Only the case's owner or the department head hands it over."))
    if case.department is None:
        raise ValidationError(_("Route the case to a department before naming an owner."))
    if owner is not None and not department_members(case.department).filter(pk=owner.pk).exists():
        raise ValidationError(
            _("%(user)s is not a member of %(department)s.")
            % {"user": owner.get_username(), "department": case.department}
        )
    previous = case.assignee
    case.assignee = owner
    if owner is not None and case.status == Case.Status.ASSIGNED:
        _change_status(case=case, status=Case.Status.IN_PROGRESS, by=by)
    _save(case)
    _event(
        case=case,
        kind=CaseEvent.Kind.HANDED_OVER,
        by=by,
        previous=previous.get_username() if previous else None,
        owner=owner.get_username() if owner else None,
    )
    transaction.on_commit(lambda: notify.owner_assigned(case=case, owner=owner, by=by))
    return case


NOTE_MAX = CaseNote._meta.get_field("body").max_length
_MENTION = re.compile(r"@([\w.+-]+)")


def case_staff(case: Case):
    """Staff who may read the case: moderators and its department's members."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from forum.boards.services import MODERATORS_GROUP

    who = Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True)
    if case.department_id:
        who |= Q(groups=case.department.staff_group_id) | Q(headed_departments=case.department)
    return get_user_model().objects.filter(who, is_active=True).distinct()


@transaction.atomic
def case_note_add(*, case: Case, by, body: str) -> CaseNote:
    """An internal note; @username mentions of the case's staff notify them."""
    _require(can_work_on(by, case))
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a note first."))
    if len(body) > NOTE_MAX:
        raise ValidationError(
            _("Keep it under %(max)d characters (you wrote %(n)d).")
            % {"max": NOTE_MAX, "n": len(body)}
        )
    # "@wang." at the end of a sentence names wang (a username may still contain dots).
    names = {n for found in _MENTION.findall(body) for n in (found, found.rstrip("."))}
    mentioned = list(case_staff(case).filter(username__in=names).exclude(pk=by.pk)) if names else []
    note = CaseNote(case=case, author=by, body=body)
    note.full_clean()
    note.save()
    note.mentions.set(mentioned)
    if mentioned:
        transaction.on_commit(lambda: notify.staff_mentioned(case=case, author=by, users=mentioned))
    return note


@transaction.atomic
def case_outcome_set(*, case: Case, by, version: int, outcome: str, reason: str) -> Case:
    """A suggestion ends as 已采纳 / 暂不采纳 / 已实施, with a reason the member sees.

    Adoption (or implementation) pays the member through the ``suggestion_adopted`` points rule,
    once per case.
    """
    _require(can_work_on(by, case))
    if case.type != Case.Type.SUGGESTION:
        raise ValidationError(_("Only suggestions have an outcome."))
    if outcome not in Case.Outcome.values:
        raise ValidationError(_("Choose an outcome."))
    reason = _reason(reason, missing=_("Tell the member why."))
    _lock(case=case, version=version)
    case.outcome = outcome
    case.outcome_reason = reason
    _save(case)
    _event(case=case, kind=CaseEvent.Kind.OUTCOME, by=by, note=reason, outcome=outcome)
    member = case.member or case.topic.poster
    if member is not None and outcome in (Case.Outcome.ADOPTED, Case.Outcome.IMPLEMENTED):
        points_event_pay(
            member=member,
            event="suggestion_adopted",
            source_key=f"suggestion:{case.pk}",
            source=case,
        )
    transaction.on_commit(lambda: notify.member_outcome(case=case))
    return case


# --- service desk -----------------------------------------------------------------------------


def can_use_service_desk(user) -> bool:
    """The service desk (呼叫中心): moderators and staff with the service-desk permission."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (is_moderator(user) or user.has_perm("cases.service_desk"))
    )


@transaction.atomic
def case_follow_up_done(
    *, follow_up: CaseFollowUp, by, result: str, note: str = ""
) -> CaseFollowUp:
    """Record the outcome of a 回访 call (or of a low-rating follow-up)."""
    _require(can_use_service_desk(by))
    follow_up = CaseFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_at is not None:
        raise ValidationError(_("This follow-up was already recorded."))
    if result not in CaseFollowUp.Result.values:
        raise ValidationError(_("Choose how the follow-up went."))
    follow_up.result = result
    follow_up.note = (note or "").strip()
    follow_up.done_by = by
    follow_up.done_at = timezone.now()
    _save(follow_up)
    _event(
        case=follow_up.case,
        kind=CaseEvent.Kind.FOLLOW_UP,
        by=by,
        note=follow_up.note,
        follow_up=follow_up.kind,
        result=result,
    )
    return follow_up


def department_alert_preference_set(
    *, user, on_site: bool, by_email: bool
) -> DepartmentAlertPreference:
    """How a department's staff member hears of new cases (on the site, by mail)."""
    if not (staff_department_ids(user) or headed_department_ids(user)):
        raise PermissionDenied
    preference, _created = DepartmentAlertPreference.objects.get_or_create(user=user)
    preference.on_site = on_site
    preference.by_email = by_email
    preference.full_clean()
    preference.save()
    return preference
