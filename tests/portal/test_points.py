import datetime

import pytest
from django.utils import timezone

from forum.boards.models import Board
from portal.members.models import MemberLevel, MemberProfile, PointsEntry, PointsRule
from portal.members.points import (
    PointsError,
    member_level_reevaluate,
    member_levels_yearly_review,
    points_award,
    points_balance,
    points_balances,
    points_grant,
)
from portal.members.services import unit_ownership_verify
from tests.conftest import make_topic
from tests.factories import UnitOwnershipFactory
from tests.portal.conftest import staff_with


def level_of(user):
    return MemberProfile.objects.get(user=user).level.code


def test_balances_are_sums_of_entries(member, rule):
    points_award(member=member, rule_code="case_rated", source_key="case:1")
    points_award(member=member, rule_code="case_rated", source_key="case:2")
    PointsEntry.objects.create(
        member=member, ledger="reward", amount=-15, reason="兑换", idempotency_key="debit-1"
    )

    assert points_balances(member=member) == {"reward": 25, "upgrade": 20}
    assert points_balance(member=member, ledger="reward") == 25


def test_award_is_idempotent_per_source(member, rule):
    first = points_award(member=member, rule_code="case_rated", source_key="case:7")
    again = points_award(member=member, rule_code="case_rated", source_key="case:7")

    assert sorted(e.pk for e in first) == sorted(e.pk for e in again)
    assert PointsEntry.objects.filter(member=member).count() == 2
    assert points_balances(member=member) == {"reward": 20, "upgrade": 10}


def test_the_database_refuses_a_second_entry_with_the_same_key(member, rule):
    from django.db import IntegrityError, transaction

    (entry, _upgrade) = points_award(member=member, rule_code="case_rated", source_key="case:8")

    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(
            member=member,
            ledger="reward",
            amount=20,
            reason="x",
            idempotency_key=entry.idempotency_key,
        )


def test_inactive_or_unknown_rules_pay_nothing(member, rule):
    rule.active = False
    rule.save()

    assert points_award(member=member, rule_code="case_rated", source_key="case:1") == []
    assert points_award(member=member, rule_code="no_such_rule", source_key="x") == []
    assert points_balances(member=member) == {"reward": 0, "upgrade": 0}


def test_entries_record_rule_category_and_source(member, rule, boards):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="求助")
    post = topic.posts.get()

    reward, _upgrade = points_award(
        member=member, rule_code="case_rated", source_key=f"post:{post.pk}", source=post
    )

    assert (reward.category, reward.reason, reward.rule) == ("research", rule.name, rule)
    assert (reward.source_type.model, reward.source_id) == ("post", str(post.pk))


def test_first_post_pays_once_after_commit(member, boards, django_capture_on_commit_callbacks):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    with django_capture_on_commit_callbacks(execute=True):
        make_topic(forum=forum, poster=member, subject="第一帖")
    with django_capture_on_commit_callbacks(execute=True):
        make_topic(forum=forum, poster=member, subject="第二帖")

    entries = PointsEntry.objects.filter(member=member, rule__code="first_post")
    assert sorted(entries.values_list("ledger", "amount")) == [("reward", 50), ("upgrade", 50)]


@pytest.mark.parametrize(
    ("upgrade", "level"), [(0, "basic"), (999, "basic"), (1000, "silver"), (5000, "gold"),
                           (20000, "platinum")],
)  # fmt: skip
def test_level_follows_the_thresholds(member, upgrade, level):
    admin = staff_with("add_pointsentry", username="points_desk")
    if upgrade:
        points_grant(
            member=member, by=admin, reward_points=0, upgrade_points=upgrade, reason="活动",
            category="marketing", idempotency_key="t1",
        )  # fmt: skip

    assert level_of(member) == level


def test_thresholds_are_editable_and_re_evaluated_when_points_change(member, rule):
    MemberLevel.objects.filter(code="silver").update(upgrade_points_threshold=15)

    points_award(member=member, rule_code="case_rated", source_key="case:1")
    assert level_of(member) == "basic"
    points_award(member=member, rule_code="case_rated", source_key="case:2")

    assert level_of(member) == "silver"


def test_verified_owners_are_at_least_silver(project_a, member, staff_admin):
    ownership = UnitOwnershipFactory(member=member, project=project_a)
    assert level_of(member) == "basic"

    unit_ownership_verify(ownership=ownership, by=staff_admin)

    assert level_of(member) == "silver"


def test_points_changes_never_downgrade_but_the_yearly_review_does(member):
    admin = staff_with("add_pointsentry", username="points_desk")
    points_grant(
        member=member, by=admin, reward_points=0, upgrade_points=5000, reason="活动",
        category="marketing", idempotency_key="g1",
    )  # fmt: skip
    PointsEntry.objects.filter(member=member).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    member_level_reevaluate(member=member)
    assert level_of(member) == "gold"

    moved = member_levels_yearly_review()

    assert moved["down"] == 1
    assert level_of(member) == "silver"


def test_yearly_review_keeps_members_who_earned_enough_and_owners_floor(owner_a):
    MemberLevel.objects.filter(code="silver").update(yearly_retention_points=100)
    MemberLevel.objects.filter(code="gold").update(yearly_retention_points=100)
    MemberProfile.objects.filter(user=owner_a).update(level=MemberLevel.objects.get(code="silver"))

    member_levels_yearly_review()

    assert level_of(owner_a) == "silver"


def test_grant_needs_the_permission_and_a_reason_and_pays_once_per_form(client, member):
    desk = staff_with("add_pointsentry", "view_memberprofile", username="points_desk")
    plain = staff_with("view_memberprofile", username="viewer")
    form = {"reward_points": 200, "upgrade_points": 0, "category": "marketing",
            "reason": "端午活动", "nonce": "form-123"}  # fmt: skip

    client.force_login(plain)
    assert client.post(f"/members/{member.pk}/grant/", form).status_code == 403
    client.force_login(member)
    assert client.post(f"/members/{member.pk}/grant/", form).status_code == 403

    client.force_login(desk)
    client.post(f"/members/{member.pk}/grant/", form | {"reason": ""})
    assert points_balance(member=member, ledger="reward") == 0
    client.post(f"/members/{member.pk}/grant/", form)
    client.post(f"/members/{member.pk}/grant/", form)

    assert points_balance(member=member, ledger="reward") == 200
    entry = PointsEntry.objects.get(member=member)
    assert (entry.reason, entry.created_by, entry.category) == ("端午活动", desk, "marketing")


def test_referral_purchase_pays_once_per_contract(client, member):
    desk = staff_with("add_pointsentry", "view_memberprofile", username="sales_desk")
    client.force_login(desk)

    client.post(f"/members/{member.pk}/referral/", {"contract": "HT-2024-001"})
    client.post(f"/members/{member.pk}/referral/", {"contract": "HT-2024-001"})

    rule = PointsRule.objects.get(code="referral_purchase")
    assert points_balances(member=member) == {
        "reward": rule.reward_points,
        "upgrade": rule.upgrade_points,
    }


def test_entries_are_never_edited_in_place(member, rule):
    reward, _upgrade = points_award(member=member, rule_code="case_rated", source_key="case:9")
    reward.amount = 999

    with pytest.raises(ValueError):
        reward.save()

    assert points_balance(member=member, ledger="reward") == 20


def test_a_staff_correction_may_not_take_the_reward_balance_below_zero(member):
    desk = staff_with("add_pointsentry", username="points_desk")
    grant = {"by": desk, "upgrade_points": 0, "reason": "更正", "category": "other"}
    points_grant(member=member, reward_points=100, idempotency_key="g1", **grant)

    with pytest.raises(PointsError, match="奖励积分不足"):
        points_grant(member=member, reward_points=-101, idempotency_key="c1", **grant)
    assert points_balance(member=member, ledger="reward") == 100
    assert not PointsEntry.objects.filter(member=member, amount__lt=0).exists()

    points_grant(member=member, reward_points=-100, idempotency_key="c2", **grant)
    assert points_balance(member=member, ledger="reward") == 0
    with pytest.raises(PointsError):
        points_grant(member=member, reward_points=-1, idempotency_key="c3", **grant)
    assert points_balance(member=member, ledger="reward") == 0


def test_a_correction_below_zero_through_the_staff_page_shows_why(client, member):
    desk = staff_with("add_pointsentry", "view_memberprofile", username="points_desk")
    form = {"reward_points": -50, "upgrade_points": 0, "category": "other",
            "reason": "更正", "nonce": "form-neg"}  # fmt: skip
    client.force_login(desk)

    response = client.post(f"/members/{member.pk}/grant/", form, follow=True)

    assert response.status_code == 200
    assert "该会员的奖励积分不足" in response.text
    assert points_balance(member=member, ledger="reward") == 0
    assert not PointsEntry.objects.filter(member=member).exists()


def test_grants_are_refused_to_staff_without_the_permission(member):
    plain = staff_with("view_memberprofile", username="viewer")

    with pytest.raises(PointsError):
        points_grant(
            member=member, by=plain, reward_points=10, upgrade_points=0, reason="x",
            category="other", idempotency_key="p1",
        )  # fmt: skip
    assert not PointsEntry.objects.filter(member=member).exists()
