"""Earning rules administrators add: they fire on registered events, within their conditions
and caps, once per (rule, source)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.members.models import MemberLevel, MemberProfile, PointsEntry, PointsRule
from portal.members.points import member_levels_ensure, points_balances, points_event_pay
from portal.members.services import member_profile_update
from tests.factories import UnitOwnershipFactory, UserFactory


def make_rule(**fields):
    values = {
        "code": "visit-gift",
        "event": "club_visit",
        "name": "生日礼遇",
        "reward_points": 88,
        "upgrade_points": 0,
    }
    values.update(fields)
    rule = PointsRule(**values)
    rule.full_clean()
    rule.save()
    return rule


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T10:00"))


def test_a_rule_added_in_the_admin_pays_on_its_event(client, member, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/django-admin/portal/pointsrule/add/",
        {
            "event": "club_visit",
            "code": "visit-2026",
            "name": "生日积分",
            "reward_points": "50",
            "upgrade_points": "5",
            "category": "membership",
            "active": "on",
            "cap_period": "ever",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    entries = points_event_pay(member=member, event="club_visit", source_key="visit:2026")

    assert {(e.ledger, e.amount) for e in entries} == {("reward", 50), ("upgrade", 5)}
    assert points_balances(member=member) == {"reward": 50, "upgrade": 5}


def test_the_admin_refuses_an_event_nobody_reports_and_impossible_conditions(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/django-admin/portal/pointsrule/add/",
        {
            "event": "moon_landing",
            "code": "moon",
            "name": "登月",
            "reward_points": "10",
            "upgrade_points": "0",
            "category": "membership",
            "cap_period": "ever",
            "window_start": "02-30",
            "window_end": "03-01",
            "active_from": "2026-05-01",
            "active_until": "2026-04-01",
            "max_times": "0",
        },
    )

    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"event", "window_start", "active_until", "max_times"}
    assert not PointsRule.objects.filter(code="moon").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reward_points": 0, "upgrade_points": 0}, "必须发放"),
        ({"reward_points": -5}, "人工调整"),
        ({"window_start": "05-01"}, "同时填写"),
        ({"window_start": "13-01", "window_end": "12-01"}, "月-日"),
    ],
)
def test_impossible_rules_are_refused_with_a_reason(db, fields, message):
    with pytest.raises(ValidationError, match=message):
        make_rule(**fields)


def test_a_rule_pays_once_per_source(member):
    make_rule()

    first = points_event_pay(member=member, event="club_visit", source_key="visit:2026")
    again = points_event_pay(member=member, event="club_visit", source_key="visit:2026")

    assert [e.pk for e in first] == [e.pk for e in again]
    assert points_balances(member=member)["reward"] == 88


def test_every_active_rule_on_the_event_pays(member):
    make_rule()
    make_rule(code="visit-double", name="会员月双倍", reward_points=20)
    make_rule(code="visit-off", name="停用", reward_points=1000, active=False)

    points_event_pay(member=member, event="club_visit", source_key="visit:2026")

    assert points_balances(member=member)["reward"] == 108


def test_a_rule_does_not_pay_outside_its_active_dates(member):
    make_rule(active_from=datetime.date(2026, 3, 1), active_until=datetime.date(2026, 3, 31))

    def pays(key, day):
        return bool(points_event_pay(member=member, event="club_visit", source_key=key, at=at(day)))

    assert not pays("a", "2026-02-28")
    assert not pays("b", "2026-04-01")
    assert pays("c", "2026-03-15")


def test_a_yearly_window_may_run_over_new_year(member):
    make_rule(window_start="12-15", window_end="01-15")

    assert points_event_pay(member=member, event="club_visit", source_key="a", at=at("2026-12-20"))
    assert points_event_pay(member=member, event="club_visit", source_key="b", at=at("2027-01-10"))
    assert not points_event_pay(
        member=member, event="club_visit", source_key="c", at=at("2027-06-01")
    )


def test_a_level_condition_pays_only_members_at_that_level(member):
    member_levels_ensure()
    rule = make_rule()
    rule.levels.set([MemberLevel.objects.get(code="gold")])
    assert not points_event_pay(member=member, event="club_visit", source_key="b")

    profile = member.member_profile
    profile.level = MemberLevel.objects.get(code="gold")
    profile.save()
    assert points_event_pay(member=member, event="club_visit", source_key="b")


def test_a_project_condition_pays_only_verified_owners_there(member, project_a, project_b):
    rule = make_rule(event="unit_verified", code="owner-bonus")
    rule.projects.set([project_a])
    owner_b = UserFactory(username="owner_b_only")
    UnitOwnershipFactory(member=owner_b, project=project_b, status="verified")
    owner_a = UserFactory(username="owner_a_only")
    UnitOwnershipFactory(member=owner_a, project=project_a, status="verified")

    assert not points_event_pay(member=owner_b, event="unit_verified", source_key="x")
    assert not points_event_pay(member=member, event="unit_verified", source_key="x")
    assert points_event_pay(member=owner_a, event="unit_verified", source_key="x")


def test_a_cap_stops_paying_within_its_period_and_resumes_in_the_next(member):
    make_rule(max_times=2, cap_period="day")

    paid = [
        bool(points_event_pay(member=member, event="club_visit", source_key=f"s{n}"))
        for n in range(3)
    ]

    assert paid == [True, True, False]
    PointsEntry.objects.filter(member=member).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert points_event_pay(member=member, event="club_visit", source_key="s3")


def test_a_cap_is_per_member(member):
    make_rule(max_times=1)
    other = UserFactory(username="other_member")

    assert points_event_pay(member=member, event="club_visit", source_key="m1")
    assert not points_event_pay(member=member, event="club_visit", source_key="m2")
    assert points_event_pay(member=other, event="club_visit", source_key="o1")


def test_verifying_a_unit_fires_unit_verified(member, project_a, staff_admin):
    from portal.members.services import unit_ownership_verify

    make_rule(event="unit_verified", code="unit-verified", reward_points=300)
    claim = UnitOwnershipFactory(member=member, project=project_a)

    unit_ownership_verify(ownership=claim, by=staff_admin)
    unit_ownership_verify(ownership=claim, by=staff_admin)

    assert points_balances(member=member)["reward"] == 300


def test_the_earn_page_lists_rules_in_force_and_is_linked_from_my_points(client, member):
    make_rule(description="生日当月登录即得")
    make_rule(code="old", name="已结束的活动", active_until=datetime.date(2020, 1, 1))
    make_rule(code="off", name="停用的规则", active=False)
    client.force_login(member)

    points_page = client.get("/me/points/").text
    earn = client.get("/me/points/earn/").text

    assert 'data-testid="points-earn"' in points_page
    assert 'href="/me/points/earn/"' in points_page
    assert "生日礼遇" in earn and "生日当月登录即得" in earn and "+88" in earn
    assert "已结束的活动" not in earn and "停用的规则" not in earn


def test_the_earn_page_needs_a_login(client):
    response = client.get("/me/points/earn/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


COMPLETE_SIGNUP = {
    "username": "invitee", "email": "invitee@example.com", "password1": "Xk9!long-pass",
    "password2": "Xk9!long-pass", "real_name": "李四", "mobile": "13912340001", "city": "上海",
    "gender": "female", "birth_year": "1990", "family": "couple", "how_heard": "friend",
    "interests": ["sports"], "privacy_consent": "on",
}  # fmt: skip


def test_an_invited_friend_who_completes_the_profile_pays_the_inviter_once(client, member):
    make_rule(event="referral_joined", code="invite", name="推荐入会", reward_points=200)
    client.force_login(member)
    earn = client.get("/me/points/earn/")
    link = earn.context["invite_url"].removeprefix("http://testserver")
    assert 'data-testid="invite-link"' in earn.text
    client.logout()

    assert client.get(link).status_code == 302
    assert client.post("/accounts/signup/", COMPLETE_SIGNUP).status_code == 302

    invitee = MemberProfile.objects.get(user__username="invitee")
    assert invitee.referred_by == member
    assert points_balances(member=member)["reward"] == 200
    member_profile_update(user=invitee.user, city="北京")
    assert points_balances(member=member)["reward"] == 200


def test_a_forged_invitation_credits_nobody(client, member):
    make_rule(event="referral_joined", code="invite", name="推荐入会", reward_points=200)
    number = member.member_profile.member_number

    client.get(f"/members/invite/{number}:forged/")
    client.post("/accounts/signup/", COMPLETE_SIGNUP)

    assert MemberProfile.objects.get(user__username="invitee").referred_by is None
    assert points_balances(member=member)["reward"] == 0
