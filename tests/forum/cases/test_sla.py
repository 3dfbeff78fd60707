from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forum.cases.models import Case, CaseEvent, SLAAlert, SLAPolicy
from forum.cases.services import case_confirm, case_open, case_reply_official
from forum.cases.sla import case_due_times_set, sla_tick
from tests.conftest import make_topic

pytestmark = pytest.mark.django_db

POSTED = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.mark.parametrize(("priority", "resolution_days"), [(1, 1), (2, 3), (3, 7), (4, 15)])
def test_default_due_times_count_from_the_post(db, priority, resolution_days):
    case = Case(priority=priority, created_at=POSTED)

    case_due_times_set(case=case)

    assert case.first_response_due == POSTED + timedelta(hours=24)
    assert case.resolution_due == POSTED + timedelta(days=resolution_days)


def test_an_edited_policy_changes_the_due_time(db):
    SLAPolicy.objects.filter(priority=1).update(first_response_hours=2, resolution_hours=8)
    case = Case(priority=1, created_at=POSTED)

    case_due_times_set(case=case)

    assert case.first_response_due == POSTED + timedelta(hours=2)
    assert case.resolution_due == POSTED + timedelta(hours=8)


@pytest.fixture
def routed_case(complaint_forum, member, moderator, engineering_staff, departments):
    topic = make_topic(forum=complaint_forum, poster=member, subject="窗户渗水")
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.save()
    return case_confirm(case=case, by=moderator, version=case.version)


def test_the_department_is_warned_once_when_the_first_response_is_due_within_4_hours(
    routed_case, engineering_staff, django_capture_on_commit_callbacks
):
    now = routed_case.first_response_due - timedelta(hours=3)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = sla_tick(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        second = sla_tick(now=now + timedelta(minutes=5))

    assert first == {"warnings": 1, "escalations": 0}
    assert second == {"warnings": 0, "escalations": 0}
    assert [m.to for m in mail.outbox] == [[engineering_staff.email]]
    assert "首次响应即将到期" in mail.outbox[0].subject


def test_an_overdue_case_is_escalated_to_moderators_once(
    routed_case, moderator, django_capture_on_commit_callbacks
):
    now = routed_case.first_response_due + timedelta(minutes=1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = sla_tick(now=now)
        again = sla_tick(now=now + timedelta(hours=1))

    assert first == {"warnings": 0, "escalations": 1}
    assert again == {"warnings": 0, "escalations": 0}
    assert SLAAlert.objects.filter(case=routed_case).count() == 1
    assert routed_case.events.filter(kind=CaseEvent.Kind.SLA_ESCALATION).count() == 1
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert mail.outbox[0].subject.startswith("升级提醒")


def test_an_answered_case_is_no_longer_checked_for_its_first_response(
    routed_case, engineering_staff
):
    case_reply_official(
        case=routed_case, by=engineering_staff, version=routed_case.version, content="已收到"
    )

    sent = sla_tick(now=routed_case.first_response_due + timedelta(minutes=1))

    assert sent == {"warnings": 0, "escalations": 0}
