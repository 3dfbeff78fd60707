"""The member closes the loop: confirm, still not solved, auto-close, reopen window, rating."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from forum.cases.models import Case, CaseEvent, CaseFollowUp
from forum.cases.services import (
    InvalidStatusChange,
    case_confirm,
    case_member_confirm,
    case_member_reject,
    case_member_reopen,
    case_open,
    case_rate,
    case_status_change,
    cases_auto_close,
)
from portal.members.models import Notice
from tests.conftest import make_topic
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(complaint_forum, member, departments, moderator, engineering_staff):
    topic = make_topic(forum=complaint_forum, poster=member, subject="卫生间漏水", content="漏水")
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.save()
    case_confirm(case=case, by=moderator, version=case.version)
    return case


def awaiting(case, staff):
    case_status_change(
        case=case, by=staff, version=case.version, status=Case.Status.AWAITING_MEMBER
    )
    return case


class FrozenClock:
    def __init__(self, at):
        self.at = at

    def move(self, **delta):
        self.at += timedelta(**delta)


@pytest.fixture
def clock():
    frozen = FrozenClock(timezone.now())
    with mock.patch("django.utils.timezone.now", side_effect=lambda: frozen.at):
        yield frozen


def topic_url(case):
    topic = case.topic
    return reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum_id,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )


def test_the_member_confirms_a_case_awaiting_them(case, engineering_staff, member):
    awaiting(case, engineering_staff)

    case_member_confirm(case=case, by=member)

    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert case.resolved_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.MEMBER_CONFIRMED, actor=member).exists()
    assert case.follow_ups.filter(kind=CaseFollowUp.Kind.CALLBACK, done_at=None).exists()


def test_still_not_solved_goes_back_to_the_same_department_with_the_clock_running(
    case, engineering_staff, member, django_capture_on_commit_callbacks
):
    awaiting(case, engineering_staff)
    due = (case.first_response_due, case.resolution_due)
    mail.outbox.clear()

    with pytest.raises(ValidationError):
        case_member_reject(case=case, by=member, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        case_member_reject(case=case, by=member, reason="墙面还在渗水")

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.department.code == "engineering"
    assert (case.first_response_due, case.resolution_due) == due
    assert case.awaiting_member_since is None
    assert case.events.get(kind=CaseEvent.Kind.MEMBER_REJECTED).note == "墙面还在渗水"
    assert any(engineering_staff.email in m.to and "墙面还在渗水" in m.body for m in mail.outbox)


def test_only_the_member_answers_and_only_while_the_case_awaits_them(
    case, engineering_staff, member, moderator
):
    with pytest.raises(PermissionDenied):
        case_member_confirm(case=case, by=member)
    awaiting(case, engineering_staff)
    for wrong in (UserFactory(username="nosy"), engineering_staff, moderator):
        with pytest.raises(PermissionDenied):
            case_member_confirm(case=case, by=wrong)
        with pytest.raises(PermissionDenied):
            case_member_reject(case=case, by=wrong, reason="x")

    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_MEMBER


def test_no_answer_within_seven_days_resolves_the_case_with_a_notice(
    case, engineering_staff, member, clock, django_capture_on_commit_callbacks
):
    awaiting(case, engineering_staff)
    clock.move(days=6, hours=23)
    assert cases_auto_close() == 0

    clock.move(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert cases_auto_close() == 1
    assert cases_auto_close() == 0

    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert case.events.filter(kind=CaseEvent.Kind.AUTO_CLOSED).count() == 1
    notice = Notice.objects.get(recipient=member, kind="case_auto_closed")
    assert "卫生间漏水" in notice.title and "7" in notice.body


def test_the_confirmation_window_is_a_setting(case, engineering_staff, clock, settings):
    settings.CASE_CONFIRM_DAYS = 2
    awaiting(case, engineering_staff)
    clock.move(days=2, minutes=1)

    assert cases_auto_close() == 1


def test_a_resolved_case_reopens_within_fourteen_days_only(case, engineering_staff, member, clock):
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    clock.move(days=13, hours=23)
    case_member_reopen(case=case, by=member, reason="又漏了")
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).exists()

    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    clock.move(days=14, minutes=1)
    with pytest.raises(InvalidStatusChange):
        case_member_reopen(case=case, by=member, reason="又漏了")
    with pytest.raises(PermissionDenied):
        case_member_reopen(case=case, by=engineering_staff, reason="x")
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED


def test_a_low_rating_opens_a_follow_up_for_the_moderators(
    case, engineering_staff, member, moderator, django_capture_on_commit_callbacks
):
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        case_rate(case=case, by=member, satisfaction=2, comment="拖了很久")
        case_rate(case=case, by=member, satisfaction=1, comment="更差")

    follow_ups = case.follow_ups.filter(kind=CaseFollowUp.Kind.LOW_RATING, done_at=None)
    assert follow_ups.count() == 1
    assert Notice.objects.filter(recipient=moderator, kind="case_low_rating").count() == 1
    assert any(moderator.email in m.to for m in mail.outbox)


def test_a_good_rating_opens_no_low_rating_follow_up(case, engineering_staff, member):
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    case_rate(case=case, by=member, satisfaction=4)

    assert not case.follow_ups.filter(kind=CaseFollowUp.Kind.LOW_RATING).exists()


# --- pages ---------------------------------------------------------------------------------


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def test_the_topic_panel_offers_confirm_and_still_not_solved_to_the_member_only(
    client, case, engineering_staff, member
):
    awaiting(case, engineering_staff)
    login(client, member)

    page = client.get(topic_url(case)).content.decode()
    assert 'data-testid="case-confirm"' in page and 'data-testid="case-reopen"' in page

    client.post(
        reverse("me_case_reopen", args=[case.pk]), {"reason": "还在漏", "next": topic_url(case)}
    )
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS

    login(client, UserFactory(username="nosy"))
    other_page = client.get(topic_url(case)).content.decode()
    assert 'data-testid="case-confirm"' not in other_page


def test_me_cases_lists_the_members_cases_with_their_actions(
    client, case, engineering_staff, member
):
    awaiting(case, engineering_staff)
    login(client, member)

    page = client.get("/me/cases/").content.decode()
    assert "卫生间漏水" in page and "待会员确认" in page
    assert 'data-testid="case-confirm"' in page

    response = client.post(reverse("me_case_confirm", args=[case.pk]), {"next": "/me/cases/"})
    assert response["Location"] == "/me/cases/"
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    page = client.get("/me/cases/").content.decode()
    assert 'data-testid="case-reopen"' in page and 'data-testid="case-rate-form"' in page


def test_a_missing_reason_is_a_clear_message_and_changes_nothing(
    client, case, engineering_staff, member
):
    awaiting(case, engineering_staff)
    login(client, member)

    response = client.post(reverse("me_case_reopen", args=[case.pk]), {"reason": ""}, follow=True)

    assert "请告诉部门还有什么没有解决。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_MEMBER


@pytest.mark.parametrize("who", ["visitor", "other_member", "staff"])
def test_others_cannot_confirm_or_reopen_the_members_case(client, case, engineering_staff, who):
    awaiting(case, engineering_staff)
    if who == "other_member":
        login(client, UserFactory(username="nosy"))
    elif who == "staff":
        login(client, engineering_staff)

    confirm = client.post(reverse("me_case_confirm", args=[case.pk]))
    reopen = client.post(reverse("me_case_reopen", args=[case.pk]), {"reason": "x"})

    if who == "visitor":
        assert confirm.status_code == 302 and "/accounts/login/" in confirm["Location"]
    else:
        assert confirm.status_code == 404 and reopen.status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_MEMBER


def test_the_rating_is_shown_to_its_member_and_staff_only(
    client, case, engineering_staff, member, design_staff, owner_b
):
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
    )
    case_rate(case=case, by=member, satisfaction=2, comment="态度差")
    url = topic_url(case)

    for viewer in (member, engineering_staff):
        login(client, viewer)
        assert "态度差" in client.get(url).content.decode()
    for viewer in (UserFactory(username="nosy"), design_staff, owner_b):
        login(client, viewer)
        page = client.get(url).content.decode()
        assert "态度差" not in page and 'data-testid="case-rating"' not in page
    client.logout()
    page = client.get(url).content.decode()
    assert "态度差" not in page and 'data-testid="case-rating"' not in page
