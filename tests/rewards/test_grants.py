"""Bulk grants: one entry per member on a plan line; a second person approves large grants;
reversal by compensating entries; budgets hold."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.members.models import MemberLevel, PointsEntry
from portal.members.points import PointsError, member_levels_ensure, points_balance, points_hold
from portal.members.profiles import member_profile_ensure
from portal.rewards.grants import (
    grant_approve,
    grant_create,
    grant_reverse,
    members_by_numbers,
    members_by_segment,
)
from portal.rewards.models import PlanLine, PointsGrant, PointsPlan
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
def manager(db):
    return staff_with("portal.add_pointsentry", "rewards.approve_pointsgrant", username="manager")


@pytest.fixture
def members(db):
    users = [UserFactory(username=f"m{n}") for n in range(3)]
    for user in users:
        member_profile_ensure(user=user)
    return users


def numbers(users):
    return " ".join(u.member_profile.member_number for u in users)


def test_a_small_grant_pays_each_member_once_through_the_page(
    client, clerk, members, line, settings
):
    settings.POINTS_GRANT_APPROVAL_THRESHOLD = 1000
    client.force_login(clerk)

    client.post(
        "/members/grants/",
        {"line": line.pk, "reward_points": 100, "upgrade_points": 0, "reason": "问卷答谢",
         "member_numbers": numbers(members) + "\n" + numbers(members[:1])},
    )  # fmt: skip

    grant = PointsGrant.objects.get()
    assert grant.status == "paid" and grant.recipients.count() == 3
    assert [points_balance(member=m, ledger="reward") for m in members] == [100, 100, 100]
    line.refresh_from_db()
    assert line.issued == 300


def test_unknown_member_numbers_are_refused_by_name(members):
    with pytest.raises(PointsError, match="KH404"):
        members_by_numbers(text=numbers(members) + ",KH404")


def test_a_segment_by_level(members):
    member_levels_ensure()
    profile = members[0].member_profile
    profile.level = MemberLevel.objects.get(code="gold")
    profile.save()
    assert members_by_segment(level="gold") == [members[0]]


def test_a_large_grant_waits_for_a_second_person(clerk, manager, members, line, settings):
    settings.POINTS_GRANT_APPROVAL_THRESHOLD = 100
    grant = grant_create(by=manager, line=line, members=members, reward_points=50, reason="活动")
    assert grant.status == "awaiting"
    assert not PointsEntry.objects.exists()

    with pytest.raises(PermissionDenied):
        grant_approve(grant=grant, by=manager)  # the maker cannot approve
    with pytest.raises(PermissionDenied):
        grant_approve(grant=grant, by=clerk)  # no approval permission
    other_manager = staff_with(
        "portal.add_pointsentry", "rewards.approve_pointsgrant", username="manager2"
    )
    grant_approve(grant=grant, by=other_manager)

    grant.refresh_from_db()
    assert grant.status == "paid" and grant.decided_by == other_manager
    assert PointsEntry.objects.filter(source_key=f"grant:{grant.pk}").count() == 3
    with pytest.raises(PointsError):
        grant_approve(grant=grant, by=other_manager)


def test_a_grant_beyond_the_budget_is_refused(clerk, members, line):
    with pytest.raises(PointsError, match="预算"):
        grant_create(by=clerk, line=line, members=members, reward_points=7000, reason="超支")
    assert not PointsGrant.objects.exists()


def test_approval_is_refused_when_the_budget_was_spent_meanwhile(manager, members, line, settings):
    settings.POINTS_GRANT_APPROVAL_THRESHOLD = 100
    grant = grant_create(by=manager, line=line, members=members, reward_points=5000, reason="大")
    PlanLine.objects.filter(pk=line.pk).update(issued=10000)
    approver = staff_with("rewards.approve_pointsgrant", username="approver2")

    with pytest.raises(PointsError, match="预算"):
        grant_approve(grant=grant, by=approver)
    assert not PointsEntry.objects.exists()
    assert PointsGrant.objects.get().status == "awaiting"


def test_reversal_writes_compensating_entries_and_returns_the_budget(manager, members, line):
    grant = grant_create(by=manager, line=line, members=members, reward_points=100, reason="误发")

    grant_reverse(grant=grant, by=manager, reason="名单错误")

    assert [points_balance(member=m, ledger="reward") for m in members] == [0, 0, 0]
    assert PointsEntry.objects.count() == 6  # nothing edited, nothing deleted
    line.refresh_from_db()
    assert line.issued == 0
    assert PointsGrant.objects.get().status == "reversed"


def test_reversal_is_refused_when_a_member_spent_the_points(manager, members, line):
    grant = grant_create(by=manager, line=line, members=members, reward_points=100, reason="活动")
    points_hold(member=members[1], amount=60, source_key="activity:1", reason="报名")

    with pytest.raises(PointsError, match=members[1].member_profile.member_number):
        grant_reverse(grant=grant, by=manager, reason="撤回")
    assert points_balance(member=members[0], ledger="reward") == 100


def test_grant_pages_are_refused_to_members_and_other_staff(client, member, clerk, members, line):
    verifier = staff_with("portal.verify_unitownership", username="verifier")
    for user in (member, verifier):
        client.force_login(user)
        assert client.get("/members/grants/").status_code == 403
    grant = grant_create(by=clerk, line=line, members=members, reward_points=10, reason="小")
    client.force_login(clerk)
    response = client.post(f"/members/grants/{grant.pk}/", {"decision": "reverse", "reason": "x"})
    assert response.status_code == 403
