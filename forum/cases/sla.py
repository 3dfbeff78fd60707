"""Service levels: due times per priority, counted from the post's creation, and the tick that
warns departments (due within the warning window) and escalates to moderators (overdue).

The tick is idempotent: an SLAAlert row per case and kind means each warning goes out once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.cases.models import Case, CaseEvent, SLAAlert, SLAPolicy


def warning_window() -> timedelta:
    return timedelta(hours=getattr(settings, "CASE_SLA_WARNING_HOURS", 4))


def sla_targets(*, priority: int) -> tuple[timedelta, timedelta]:
    """(first response, resolution) for a priority: the editable policy, else the defaults."""
    policy = SLAPolicy.objects.filter(priority=priority).first()
    if policy is not None:
        return policy.first_response, policy.resolution
    first, resolution = SLAPolicy.DEFAULTS[int(priority)]
    return timedelta(hours=first), timedelta(hours=resolution)


def case_due_times_set(*, case: Case) -> None:
    """Set both due times from the case's creation (the post's) and its priority; no save."""
    first_response, resolution = sla_targets(priority=case.priority)
    case.first_response_due = case.created_at + first_response
    case.resolution_due = case.created_at + resolution


def _alert_once(*, case: Case, kind: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            SLAAlert.objects.create(case=case, kind=kind, created_at=now)
    except IntegrityError:
        return False
    return True


def sla_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Warn departments of cases due soon and escalate overdue ones; returns what was sent."""
    from forum.cases import notify

    now = now or timezone.now()
    soon = now + warning_window()
    sent = {"warnings": 0, "escalations": 0}
    cases = Case.objects.filter(status__in=Case.OPEN_STATUSES).select_related("department", "topic")
    for case in cases.iterator():
        checks = []
        if case.first_response_at is None and case.first_response_due:
            checks.append(
                (
                    case.first_response_due,
                    SLAAlert.Kind.FIRST_RESPONSE_SOON,
                    SLAAlert.Kind.FIRST_RESPONSE_OVERDUE,
                )
            )
        if case.resolution_due:
            checks.append(
                (
                    case.resolution_due,
                    SLAAlert.Kind.RESOLUTION_SOON,
                    SLAAlert.Kind.RESOLUTION_OVERDUE,
                )
            )
        for due, soon_kind, overdue_kind in checks:
            if due < now:
                if _alert_once(case=case, kind=overdue_kind, now=now):
                    CaseEvent.objects.create(
                        case=case,
                        kind=CaseEvent.Kind.SLA_ESCALATION,
                        note=SLAAlert.Kind(overdue_kind).label,
                        data={"alert": overdue_kind, "due": due.isoformat()},
                        created_at=now,
                    )
                    notify.moderators_escalate(case=case, kind=overdue_kind)
                    sent["escalations"] += 1
            elif (
                due <= soon
                and case.department_id
                and _alert_once(case=case, kind=soon_kind, now=now)
            ):
                CaseEvent.objects.create(
                    case=case,
                    kind=CaseEvent.Kind.SLA_WARNING,
                    note=SLAAlert.Kind(soon_kind).label,
                    data={"alert": soon_kind, "due": due.isoformat()},
                    created_at=now,
                )
                notify.department_warn(case=case, kind=soon_kind)
                sent["warnings"] += 1
    return sent
