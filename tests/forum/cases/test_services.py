import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from forum.cases.models import Case, CaseEvent, InvalidStatusChange, OfficialReply
from forum.cases.services import (
    CaseConflict,
    case_confirm,
    case_hand_back,
    case_open,
    case_rate,
    case_reply_official,
    case_status_change,
    case_take,
)
from tests.conftest import make_topic, staff_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(complaint_forum, member, departments):
    topic = make_topic(forum=complaint_forum, poster=member, subject="卫生间漏水", content="漏水")
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.save()
    return case


def test_opening_is_idempotent_and_the_clock_starts_at_the_post(case):
    again = case_open(topic=case.topic)

    assert again.pk == case.pk
    assert case.created_at == case.topic.created
    assert case.status == Case.Status.NEW
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED]


# The pipeline as the product defines it, spelled out here rather than read from Case.PIPELINE,
# so that a move added to (or dropped from) the model fails a test.
S = Case.Status
LEGAL_MOVES = {
    (S.NEW, S.ASSIGNED), (S.NEW, S.CLOSED),
    (S.ASSIGNED, S.NEW), (S.ASSIGNED, S.IN_PROGRESS), (S.ASSIGNED, S.AWAITING_MEMBER),
    (S.ASSIGNED, S.RESOLVED), (S.ASSIGNED, S.CLOSED),
    (S.IN_PROGRESS, S.NEW), (S.IN_PROGRESS, S.AWAITING_MEMBER), (S.IN_PROGRESS, S.RESOLVED),
    (S.AWAITING_MEMBER, S.IN_PROGRESS), (S.AWAITING_MEMBER, S.RESOLVED),
    (S.RESOLVED, S.CLOSED), (S.RESOLVED, S.IN_PROGRESS),
    (S.CLOSED, S.IN_PROGRESS),
}  # fmt: skip
ALL_MOVES = [(start, target) for start in S for target in S]
ILLEGAL_MOVES = [move for move in ALL_MOVES if move not in LEGAL_MOVES]


def test_the_matrix_covers_every_status():
    assert len(ALL_MOVES) == len(S) ** 2 == 36
    assert len(ILLEGAL_MOVES) == 36 - len(LEGAL_MOVES) == 21


@pytest.mark.parametrize(("start", "target"), ILLEGAL_MOVES)
def test_set_status_refuses_moves_outside_the_pipeline(start, target):
    case = Case(status=start)

    assert not case.can_move_to(target)
    with pytest.raises(InvalidStatusChange):
        case.set_status(target)
    assert case.status == start


@pytest.mark.parametrize(("start", "target"), sorted(LEGAL_MOVES))
def test_set_status_makes_every_move_of_the_pipeline(start, target):
    case = Case(status=start)

    assert case.can_move_to(target)
    case.set_status(target)
    assert case.status == target


@pytest.mark.parametrize(
    ("start", "target"),
    [(a, b) for a, b in ILLEGAL_MOVES if a != b and b != S.NEW],
)
def test_staff_cannot_make_an_illegal_move_through_the_service(
    case, engineering_staff, start, target
):
    Case.objects.filter(pk=case.pk).update(
        status=start, department=case.suggested_department, assignee=engineering_staff
    )
    case.refresh_from_db()

    with pytest.raises(InvalidStatusChange):
        case_status_change(case=case, by=engineering_staff, version=case.version, status=target)

    case.refresh_from_db()
    assert case.status == start
    assert not case.events.filter(kind=CaseEvent.Kind.STATUS).exists()


def test_the_whole_pipeline_with_a_reopen(case, moderator, engineering_staff, member):
    case_confirm(case=case, by=moderator, version=case.version)
    case_take(case=case, by=engineering_staff, version=case.version)
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.AWAITING_MEMBER
    )
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    assert case.resolved_at is not None
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.IN_PROGRESS
    )

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.resolved_at is None
    assert case.labelled_department.code == "engineering"
    assert list(
        case.events.filter(kind=CaseEvent.Kind.STATUS).values_list("from_status", "to_status")
    ) == [
        ("new", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "awaiting_member"),
        ("awaiting_member", "resolved"),
        ("resolved", "in_progress"),
    ]


def test_every_status_change_mails_the_member(
    case, moderator, engineering_staff, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_confirm(case=case, by=moderator, version=case.version)
    with django_capture_on_commit_callbacks(execute=True):
        case_take(case=case, by=engineering_staff, version=case.version)

    to_member = [m for m in mail.outbox if m.to == [member.email]]
    assert [m.subject for m in to_member] == [
        "您的工单“卫生间漏水”状态：已分派",
        "您的工单“卫生间漏水”状态：处理中",
    ]
    assert any(engineering_staff.email in m.to for m in mail.outbox)


def test_status_changes_notify_on_site_and_mail_only_if_the_member_wants_it(
    case, moderator, engineering_staff, member, django_capture_on_commit_callbacks
):
    from forum.boards.models import Notification

    member.member_profile.notify_cases = False
    member.member_profile.save()

    with django_capture_on_commit_callbacks(execute=True):
        case_confirm(case=case, by=moderator, version=case.version)

    assert not [m for m in mail.outbox if m.to == [member.email]]
    notice = Notification.objects.get(recipient=member, kind=Notification.Kind.CASE)
    assert notice.topic == case.topic
    assert "已分派" in notice.message


def test_an_official_reply_is_a_post_in_the_topic_and_the_first_response(
    case, moderator, engineering_staff
):
    case_confirm(case=case, by=moderator, version=case.version)

    reply = case_reply_official(
        case=case, by=engineering_staff, version=case.version, content="已安排师傅明天上门。"
    )

    case.refresh_from_db()
    assert reply.post.topic_id == case.topic_id
    assert reply.post.subject == "官方回复 · 工程部"
    assert OfficialReply.objects.filter(case=case).count() == 1
    assert case.first_response_at == reply.post.created or case.first_response_at is not None
    assert case.status == Case.Status.IN_PROGRESS
    assert case.assignee == engineering_staff


def test_the_second_of_two_concurrent_changes_gets_a_conflict(case, moderator, engineering_staff):
    seen_by_both = case.version
    case_confirm(case=case, by=moderator, version=seen_by_both)
    case_take(case=Case.objects.get(pk=case.pk), by=engineering_staff, version=case.version)

    stale = Case.objects.get(pk=case.pk)
    with pytest.raises(CaseConflict, match="其他人已修改了此工单"):
        case_status_change(
            case=stale, by=moderator, version=seen_by_both, status=Case.Status.RESOLVED
        )
    stale.refresh_from_db()
    assert stale.status == Case.Status.IN_PROGRESS


def test_staff_of_another_department_may_not_work_on_the_case(case, moderator, design_staff):
    case_confirm(case=case, by=moderator, version=case.version)

    with pytest.raises(PermissionDenied):
        case_take(case=case, by=design_staff, version=case.version)
    with pytest.raises(PermissionDenied):
        case_confirm(case=case, by=design_staff, version=case.version)


def test_hand_back_returns_the_case_to_triage_with_the_reason(case, moderator, engineering_staff):
    case_confirm(case=case, by=moderator, version=case.version)

    case_hand_back(case=case, by=engineering_staff, version=case.version, reason="属于物业维修")

    case.refresh_from_db()
    assert case.status == Case.Status.NEW
    assert case.department is None
    assert case.events.get(kind=CaseEvent.Kind.HANDED_BACK).note == "属于物业维修"


def test_only_the_member_rates_and_only_after_resolution(
    case, moderator, engineering_staff, member
):
    with pytest.raises(PermissionDenied):
        case_rate(case=case, by=member, satisfaction=5)
    case_confirm(case=case, by=moderator, version=case.version)
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    with pytest.raises(PermissionDenied):
        case_rate(case=case, by=UserFactory(username="someone_else"), satisfaction=1)

    case_rate(case=case, by=member, satisfaction=4, comment="处理及时")

    case.refresh_from_db()
    assert (case.satisfaction, case.satisfaction_comment) == (4, "处理及时")


def test_rating_a_resolved_case_pays_points_once(case, moderator, engineering_staff, member):
    from portal.members.points import points_balances

    case_confirm(case=case, by=moderator, version=case.version)
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    before = points_balances(member=member)

    case_rate(case=case, by=member, satisfaction=4)
    once = points_balances(member=member)
    case_rate(case=case, by=member, satisfaction=5, comment="改个评分")

    assert once != before
    assert points_balances(member=member) == once


def test_the_queue_index_covers_exactly_the_open_statuses():
    from forum.cases.models import OPEN_STATUS_VALUES, Case

    assert tuple(Case.OPEN_STATUSES) == OPEN_STATUS_VALUES


# --- who may work on a case, taking it, moving it, handing it back -------------------------


def routed(case, department, status=S.ASSIGNED, assignee=None):
    Case.objects.filter(pk=case.pk).update(department=department, status=status, assignee=assignee)
    case.refresh_from_db()
    return case


def test_who_may_work_on_a_case(case, departments, moderator, engineering_staff, design_staff):
    from django.contrib.auth.models import AnonymousUser

    from forum.cases.services import can_work_on

    head = UserFactory(username="engineering_head")
    departments["engineering"].heads.add(head)

    assert not can_work_on(engineering_staff, case)  # not routed yet
    assert not can_work_on(head, case)
    assert can_work_on(moderator, case)
    routed(case, departments["engineering"])
    assert can_work_on(engineering_staff, case)
    assert can_work_on(head, case)  # heads the department without being on its staff
    assert not can_work_on(design_staff, case)
    assert not can_work_on(UserFactory(username="plain_member"), case)
    assert not can_work_on(AnonymousUser(), case)
    assert not can_work_on(None, case)  # no user at all (a command, a task)


def test_a_closed_case_may_still_be_rated_by_its_member(case, departments, member):
    from forum.cases.services import can_rate

    routed(case, departments["engineering"], status=S.CLOSED)
    assert can_rate(member, case)
    routed(case, departments["engineering"], status=S.AWAITING_MEMBER)
    assert not can_rate(member, case)


def test_taking_a_case_owned_by_a_colleague_is_refused_but_a_head_may(
    case, departments, engineering_staff
):
    from django.core.exceptions import ValidationError

    colleague = staff_of("engineering", "engineering_colleague")
    routed(case, departments["engineering"], status=S.IN_PROGRESS, assignee=colleague)

    with pytest.raises(ValidationError):
        case_take(case=case, by=engineering_staff, version=case.version)
    case.refresh_from_db()
    assert case.assignee == colleague

    head = staff_of("engineering", "engineering_head")
    departments["engineering"].heads.add(head)
    case_take(case=case, by=head, version=case.version)

    case.refresh_from_db()
    assert case.assignee == head
    assert case.status == S.IN_PROGRESS  # already in progress: no status change
    assert not case.events.filter(kind=CaseEvent.Kind.STATUS).exists()
    taken = case.events.get(kind=CaseEvent.Kind.ASSIGNED)
    assert (taken.actor, taken.data) == (head, {"assignee": "engineering_head"})


def test_taking_an_assigned_case_starts_it_and_retaking_ones_own_is_allowed(
    case, departments, engineering_staff
):
    routed(case, departments["engineering"])

    case_take(case=case, by=engineering_staff, version=case.version)
    case_take(case=case, by=engineering_staff, version=case.version)

    case.refresh_from_db()
    assert (case.status, case.assignee) == (S.IN_PROGRESS, engineering_staff)
    assert list(
        case.events.filter(kind=CaseEvent.Kind.STATUS).values_list(
            "from_status", "to_status", "note"
        )
    ) == [("assigned", "in_progress", "")]


def test_a_status_change_records_its_note_and_never_returns_to_triage(
    case, departments, engineering_staff, design_staff
):
    routed(case, departments["engineering"], status=S.IN_PROGRESS)

    with pytest.raises(InvalidStatusChange, match="退回分派"):
        case_status_change(case=case, by=engineering_staff, version=case.version, status=S.NEW)
    with pytest.raises(PermissionDenied):
        case_status_change(case=case, by=design_staff, version=case.version, status=S.RESOLVED)
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS

    changed = case_status_change(
        case=case, by=engineering_staff, version=case.version, status=S.RESOLVED, note="已修好"
    )

    case.refresh_from_db()
    assert changed.status == case.status == S.RESOLVED
    event = case.events.get(kind=CaseEvent.Kind.STATUS)
    assert (event.actor, event.note, event.to_status) == (engineering_staff, "已修好", "resolved")


def test_hand_back_needs_a_reason_and_the_right_to_work_on_the_case(
    case, departments, engineering_staff, design_staff
):
    from django.core.exceptions import ValidationError

    routed(case, departments["engineering"], status=S.IN_PROGRESS, assignee=engineering_staff)
    version = case.version

    with pytest.raises(ValidationError):
        case_hand_back(case=case, by=engineering_staff, version=version, reason="  ")
    with pytest.raises(PermissionDenied):
        case_hand_back(case=case, by=design_staff, version=version, reason="不是我们的")
    case.refresh_from_db()
    assert (case.status, case.version) == (S.IN_PROGRESS, version)

    case_hand_back(case=case, by=engineering_staff, version=version, reason="属于物业维修")

    case.refresh_from_db()
    assert (case.status, case.department, case.assignee) == (S.NEW, None, None)
    handed = case.events.get(kind=CaseEvent.Kind.HANDED_BACK)
    assert (handed.actor, handed.data) == (engineering_staff, {"department": "engineering"})
    status = case.events.get(kind=CaseEvent.Kind.STATUS)
    assert (status.from_status, status.to_status, status.note) == (
        "in_progress",
        "new",
        "属于物业维修",
    )


def test_each_move_keeps_the_clocks_the_sla_and_the_member_rely_on(
    case, departments, engineering_staff, member, django_capture_on_commit_callbacks
):
    from forum.cases.models import CaseFollowUp

    routed(case, departments["engineering"], status=S.IN_PROGRESS)
    assert case.first_response_at is None

    def move(status):
        case_status_change(case=case, by=engineering_staff, version=case.version, status=status)
        case.refresh_from_db()

    move(S.AWAITING_MEMBER)
    first_response = case.first_response_at
    assert first_response is not None  # asking the member is the first response
    assert case.awaiting_member_since is not None
    assert case.resolved_at is None

    move(S.IN_PROGRESS)
    assert case.awaiting_member_since is None
    move(S.RESOLVED)
    assert case.resolved_at is not None
    assert case.first_response_at == first_response  # set once, never moved
    assert case.awaiting_member_since is None
    callbacks = case.follow_ups.filter(kind=CaseFollowUp.Kind.CALLBACK, done_at=None)
    assert callbacks.count() == 1

    move(S.CLOSED)
    assert case.resolved_at is None
    move(S.IN_PROGRESS)
    move(S.RESOLVED)
    assert callbacks.count() == 1  # the open callback is not duplicated
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move(S.IN_PROGRESS)
    assert case.resolved_at is None
    assert [m.subject for m in mail.outbox if m.to == [member.email]] == [
        "您的工单“卫生间漏水”状态：处理中"
    ]


def test_the_first_response_is_a_resolution_when_nothing_came_before(
    case, departments, engineering_staff
):
    routed(case, departments["engineering"], status=S.IN_PROGRESS)

    case_status_change(case=case, by=engineering_staff, version=case.version, status=S.RESOLVED)

    case.refresh_from_db()
    assert case.first_response_at == case.resolved_at is not None


def test_every_change_bumps_the_version_and_a_stale_one_changes_nothing(
    case, departments, engineering_staff
):
    routed(case, departments["engineering"], status=S.IN_PROGRESS)
    seen = case.version

    case_status_change(case=case, by=engineering_staff, version=seen, status=S.AWAITING_MEMBER)

    assert case.version == seen + 1
    assert Case.objects.get(pk=case.pk).version == seen + 1
    with pytest.raises(CaseConflict):
        case_status_change(case=case, by=engineering_staff, version=seen, status=S.RESOLVED)
    case.refresh_from_db()
    assert (case.status, case.version) == (S.AWAITING_MEMBER, seen + 1)


def test_each_resolution_after_a_done_callback_asks_for_a_new_one(
    case, departments, engineering_staff
):
    from django.utils import timezone

    from forum.cases.models import CaseFollowUp

    routed(case, departments["engineering"], status=S.IN_PROGRESS)

    def move(status):
        case_status_change(case=case, by=engineering_staff, version=case.version, status=status)

    move(S.RESOLVED)
    case.follow_ups.filter(kind=CaseFollowUp.Kind.CALLBACK).update(done_at=timezone.now())
    CaseFollowUp.objects.create(case=case, kind=CaseFollowUp.Kind.LOW_RATING)
    move(S.IN_PROGRESS)
    move(S.RESOLVED)

    callbacks = case.follow_ups.filter(kind=CaseFollowUp.Kind.CALLBACK)
    assert callbacks.count() == 2
    assert callbacks.filter(done_at=None).count() == 1
