"""Bulk grants to an activity's attendees: only members checked in are granted, with the same
approval and reversal rules as any grant, and only staff who may grant see or use the form."""

import pytest
from django.utils import timezone

from cms.models import HomePage
from portal.activities.models import ActivityIndexPage, Signup
from portal.members.models import PointsEntry
from portal.members.points import PointsError, points_balance
from portal.members.profiles import member_profile_ensure
from portal.rewards.grants import grant_approve, grant_create, grant_reverse, members_by_activity
from portal.rewards.models import PlanLine, PointsGrant, PointsPlan
from tests.activities.conftest import activity_staff, make_activity, publish_child
from tests.factories import UserFactory
from tests.rewards.conftest import staff_with

YEAR = timezone.localdate().year


@pytest.fixture
def line(db):
    plan = PointsPlan.objects.create(year=YEAR, name="计划")
    return PlanLine.objects.create(plan=plan, category="marketing", budget=20000)


@pytest.fixture
def clerk(db):
    return staff_with("portal.add_pointsentry", username="clerk")


@pytest.fixture
def activity_index(db):
    return publish_child(
        HomePage.objects.get(), ActivityIndexPage(title="会员活动", slug="activities")
    )


@pytest.fixture
def tea(activity_index):
    """A past activity: two members checked in, one no-show, one still waiting, one who
    cancelled; and a second activity with an attendee of its own."""
    tea = make_activity(activity_index, days=-2, title="茶艺沙龙", slug="tea")
    run = make_activity(activity_index, days=-5, title="晨跑", slug="run")
    now = timezone.now()
    people = {}
    for name, activity, fields in (
        ("came1", tea, {"status": "confirmed", "checked_in_at": now}),
        ("came2", tea, {"status": "confirmed", "checked_in_at": now}),
        ("absent", tea, {"status": "confirmed", "no_show": True}),
        ("waiting", tea, {"status": "waiting"}),
        ("cancelled", tea, {"status": "cancelled", "cancelled_at": now}),
        ("runner", run, {"status": "confirmed", "checked_in_at": now}),
    ):
        user = UserFactory(username=name)
        member_profile_ensure(user=user)
        Signup.objects.create(activity=activity, member=user, **fields)
        people[name] = user
    tea.people = people
    return tea


def test_only_members_checked_in_at_that_activity_are_the_list(tea):
    assert [u.username for u in members_by_activity(activity=tea)] == ["came1", "came2"]


def test_the_form_grants_the_attendees_and_records_the_activity(client, clerk, tea, line):
    client.force_login(clerk)
    page = client.get("/members/grants/").content.decode()
    assert "茶艺沙龙" in page and "晨跑" in page  # both past activities with check-ins

    response = client.post(
        "/members/grants/",
        {"line": line.pk, "reward_points": 80, "upgrade_points": 20, "reason": "活动答谢",
         "segment_activity": tea.pk},
        follow=True,
    )  # fmt: skip

    grant = PointsGrant.objects.get()
    assert grant.status == "paid" and grant.activity == tea
    people = tea.people
    assert [points_balance(member=people[n], ledger="reward") for n in people] == [
        80, 80, 0, 0, 0, 0
    ]  # fmt: skip
    assert points_balance(member=people["came1"], ledger="upgrade") == 20
    html = response.content.decode()
    assert 'data-testid="grant-activity"' in html and "茶艺沙龙" in html
    line.refresh_from_db()
    assert line.issued == 160


def test_an_activity_is_one_way_to_choose_not_an_addition(client, clerk, tea, line):
    client.force_login(clerk)
    response = client.post(
        "/members/grants/",
        {"line": line.pk, "reward_points": 80, "upgrade_points": 0, "reason": "活动答谢",
         "segment_activity": tea.pk, "segment_level": "basic"},
    )  # fmt: skip
    assert "活动签到会员" in response.content.decode()  # the form says which ways there are
    assert not PointsGrant.objects.exists()


def test_upcoming_activities_and_activities_nobody_attended_are_not_offered(
    client, clerk, activity_index, line
):
    make_activity(activity_index, days=3, title="未来的插花课", slug="future")
    make_activity(activity_index, days=-3, title="无人签到的讲座", slug="empty")
    client.force_login(clerk)
    html = client.get("/members/grants/").content.decode()
    assert "未来的插花课" not in html and "无人签到的讲座" not in html

    response = client.post(
        "/members/grants/",
        {"line": line.pk, "reward_points": 80, "upgrade_points": 0, "reason": "活动答谢",
         "segment_activity": 999999},
    )  # fmt: skip
    assert response.status_code == 200 and not PointsGrant.objects.exists()


def test_a_large_grant_to_attendees_waits_for_approval_and_can_be_reversed(
    clerk, tea, line, settings
):
    settings.POINTS_GRANT_APPROVAL_THRESHOLD = 100
    attendees = members_by_activity(activity=tea)
    grant = grant_create(
        by=clerk, line=line, members=attendees, reward_points=100, reason="茶艺", activity=tea
    )
    assert grant.status == "awaiting" and not PointsEntry.objects.exists()
    approver = staff_with("rewards.approve_pointsgrant", username="approver")

    grant_approve(grant=grant, by=approver)
    assert [points_balance(member=m, ledger="reward") for m in attendees] == [100, 100]

    grant_reverse(grant=grant, by=approver, reason="重复发放")
    assert [points_balance(member=m, ledger="reward") for m in attendees] == [0, 0]
    assert PointsGrant.objects.get().status == "reversed"


def test_the_attendees_of_an_activity_nobody_attended_get_nothing(clerk, activity_index, line):
    empty = make_activity(activity_index, days=-3, title="无人签到", slug="empty")
    with pytest.raises(PointsError):
        grant_create(
            by=clerk,
            line=line,
            members=members_by_activity(activity=empty),
            reward_points=10,
            reason="空",
            activity=empty,
        )
    assert not PointsGrant.objects.exists()


def test_the_wrong_people_cannot_grant_to_attendees(client, member, tea, line):
    payload = {"line": line.pk, "reward_points": 80, "upgrade_points": 0, "reason": "x",
               "segment_activity": tea.pk}  # fmt: skip
    response = client.post("/members/grants/", payload)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    check_in_staff = activity_staff("check_in_signup", "view_signup", username="door")
    planner = staff_with("rewards.view_pointsplan", username="planner")
    owner = tea.people["came1"]  # an attendee granting themselves
    for user in (member, check_in_staff, planner, owner):
        client.force_login(user)
        assert client.get("/members/grants/").status_code == 403
        assert client.post("/members/grants/", payload).status_code == 403
    assert not PointsGrant.objects.exists()
