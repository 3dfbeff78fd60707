"""The load data's member profiles, points ledgers and levels (portal.members.loaddata)."""

import re
from datetime import date

import pytest
from django.db.models import Sum

from portal.loaddata.core import BENCH_STAFF, LoadPlan, generate, member_username
from portal.members.models import (
    MOBILE_REGEX,
    MemberLevel,
    MemberProfile,
    PointsEntry,
    PointsRule,
    RedemptionRequest,
    UnitOwnership,
    User,
)
from portal.members.points import (
    OWNER_MINIMUM_LEVEL,
    level_for_points,
    member_level_reevaluate,
    points_balances,
    points_expire,
)
from portal.members.profiles import member_number_for

PLAN = LoadPlan(
    members=120, topics=60, posts=400, seed=11, projects=3, until=date(2026, 1, 1), progress=False
)


@pytest.fixture
def loaded(db):
    return generate(PLAN, write=lambda _line: None)


def generated_profiles():
    return MemberProfile.objects.filter(user__username__regex=r"^m\d{7}$").select_related(
        "user", "level"
    )


def test_every_member_and_the_bench_staff_have_a_profile(loaded):
    staff = [username for username, *_rest in BENCH_STAFF]
    profiles = generated_profiles()

    assert profiles.count() == PLAN.members
    assert MemberProfile.objects.filter(user__username__in=staff).count() == len(staff)
    for profile in profiles:
        assert profile.member_number == member_number_for(user=profile.user)
        assert profile.created_at == profile.card_issued_at == profile.user.date_joined
        assert profile.level is not None


def test_profiles_hold_join_form_details_in_the_models_formats(loaded):
    profiles = list(generated_profiles())
    with_mobile = [p for p in profiles if p.mobile]
    interest_codes = set(MemberProfile.Interest.values)

    assert 0 < len(with_mobile) < len(profiles)
    assert len({p.mobile for p in with_mobile}) == len(with_mobile)
    for profile in with_mobile:
        assert re.match(MOBILE_REGEX, profile.mobile)
        assert profile.real_name and profile.city
    for profile in profiles:
        if profile.interests:
            assert re.fullmatch(r",([a-z_]+,)+", profile.interests)
            assert set(profile.interest_codes) <= interest_codes
        if profile.birth_year:
            assert 1940 < profile.birth_year < 2010
        profile.full_clean()
    assert {p.gender for p in profiles} >= {"female", "male", ""}


def test_levels_are_what_points_and_ownership_earn(loaded):
    owners = set(
        UnitOwnership.objects.filter(status=UnitOwnership.Status.VERIFIED).values_list(
            "member", flat=True
        )
    )
    silver = MemberLevel.objects.get(code=OWNER_MINIMUM_LEVEL)
    levels_seen = set()
    for profile in generated_profiles():
        upgrade = points_balances(member=profile.user)[PointsEntry.Ledger.UPGRADE]
        earned = level_for_points(upgrade)
        if profile.user_id in owners:
            assert profile.level.rank == max(earned.rank, silver.rank)
        else:
            assert profile.level == earned
        levels_seen.add(profile.level.code)

    assert levels_seen >= {"basic", "silver", "gold"}
    # The site's own re-evaluation leaves every level as generated.
    for profile in generated_profiles()[:30]:
        assert member_level_reevaluate(member=profile.user) == profile.level


def test_ledgers_follow_the_services_keys_and_never_go_below_zero(loaded):
    rules = {rule.pk: rule for rule in PointsRule.objects.all()}
    entries = PointsEntry.objects.filter(member__username__regex=r"^m\d{7}$")
    balances = {}
    for entry in entries.order_by("created_at", "pk"):
        if entry.rule_id:
            rule = rules[entry.rule_id]
            assert entry.idempotency_key == f"{rule.code}:{entry.source_key}:{entry.ledger}"
        if entry.ledger == PointsEntry.Ledger.REWARD:
            balances[entry.member_id] = balances.get(entry.member_id, 0) + entry.amount
            assert balances[entry.member_id] >= 0
    sources = set(entries.values_list("idempotency_key", flat=True))
    assert any(key.startswith("profile_completed:member:") for key in sources)
    assert any(key.startswith("first_post:member:") for key in sources)
    assert any(key.startswith("grant:") for key in sources)
    assert any(key.startswith("expire:") for key in sources)


def test_approved_redemptions_and_only_they_debit_the_ledger(loaded):
    requests = RedemptionRequest.objects.all()
    approved = requests.filter(status=RedemptionRequest.Status.APPROVED)

    assert approved.exists()
    for request in requests:
        debits = PointsEntry.objects.filter(idempotency_key=f"redeem:{request.pk}")
        if request.status == RedemptionRequest.Status.APPROVED:
            assert [d.amount for d in debits] == [-request.points_cost]
            assert debits.get().member_id == request.member_id
            assert request.created_at <= request.decided_at
        else:
            assert not debits.exists()


def test_the_year_end_carry_over_finds_nothing_left_to_expire(loaded):
    before = PointsEntry.objects.aggregate(total=Sum("amount"))["total"]

    assert points_expire(on=date(2025, 12, 31)) == {"members": 0, "points": 0}
    assert PointsEntry.objects.aggregate(total=Sum("amount"))["total"] == before


def test_personal_center_of_a_generated_member_shows_their_level_and_points(loaded, client):
    user = User.objects.get(username=member_username(0))
    profile = MemberProfile.objects.select_related("level").get(user=user)
    balances = points_balances(member=user)
    assert client.login(username=user.username, password=PLAN.password)

    overview = client.get("/me/")
    points_page = client.get("/me/points/")

    assert overview.status_code == 200
    html = overview.content.decode()
    assert profile.member_number in html
    assert f'data-testid="member-level">{profile.level.name}<' in html
    assert overview.context["balances"] == balances
    assert balances[PointsEntry.Ledger.UPGRADE] > 0
    assert points_page.status_code == 200
    latest = PointsEntry.objects.filter(member=user).order_by("-created_at", "-pk").first()
    assert latest.reason in points_page.content.decode()
    assert f'data-testid="reward-balance">{balances[PointsEntry.Ledger.REWARD]}<' in (
        points_page.content.decode()
    )
