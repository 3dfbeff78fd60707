"""Points holds: what a pending redemption or an activity's cost sets aside (available =
reward balance − holds), charged once or released, never taking a balance below zero."""

import datetime

import pytest

from portal.members.models import PointsEntry, PointsHold, RedemptionItem, RedemptionRequest
from portal.members.points import (
    PointsError,
    points_available,
    points_balance,
    points_expire,
    points_grant,
    points_hold,
    points_hold_charge,
    points_hold_release,
)
from portal.rewards.models import RewardOutlet
from portal.rewards.services import reward_approve, reward_redeem, reward_reject, reward_request
from tests.portal.conftest import staff_with

REWARD = PointsEntry.Ledger.REWARD


@pytest.fixture
def desk(db):
    return staff_with("change_redemptionrequest", "add_pointsentry", username="desk")


def give(member, amount, by, key="gift"):
    points_grant(
        member=member, by=by, reward_points=amount, upgrade_points=0, reason="测试",
        category="other", idempotency_key=f"{key}:{member.pk}",
    )  # fmt: skip


def test_hold_sets_points_aside_and_refuses_beyond_available(member, desk):
    give(member, 650, desk)

    points_hold(member=member, amount=500, source_key="activity:1:member", reason="活动")

    assert points_available(member=member) == 150
    assert points_balance(member=member, ledger=REWARD) == 650
    with pytest.raises(PointsError, match="150"):
        points_hold(member=member, amount=300, source_key="activity:2:member", reason="活动")
    assert PointsHold.objects.filter(member=member).count() == 1


def test_same_source_holds_once(member, desk):
    give(member, 650, desk)

    first = points_hold(member=member, amount=500, source_key="activity:1:m", reason="活动")
    again = points_hold(member=member, amount=500, source_key="activity:1:m", reason="活动")

    assert first.pk == again.pk
    assert points_available(member=member) == 150


def test_charge_writes_one_debit_and_release_writes_nothing(member, desk):
    give(member, 600, desk)
    charged = points_hold(member=member, amount=200, source_key="a", reason="活动")
    released = points_hold(member=member, amount=100, source_key="b", reason="活动")

    entry = points_hold_charge(hold=charged)
    assert points_hold_charge(hold=charged).pk == entry.pk
    points_hold_release(hold=released)
    points_hold_release(hold=released)

    assert entry.amount == -200
    assert points_balance(member=member, ledger=REWARD) == 400
    assert points_available(member=member) == 400
    charged.refresh_from_db()
    released.refresh_from_db()
    assert (charged.status, released.status) == ("charged", "released")
    with pytest.raises(PointsError):
        points_hold_charge(hold=released)
    with pytest.raises(PointsError):
        points_hold_release(hold=charged)


def test_redemption_requests_cannot_exceed_the_balance_together(member, desk):
    """650 points, three rewards of 300: the third request is refused while two are pending."""
    give(member, 650, desk)
    item = RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=10)

    reward_request(member=member, item=item)
    reward_request(member=member, item=item)
    with pytest.raises(PointsError):
        reward_request(member=member, item=item)

    assert RedemptionRequest.objects.filter(member=member).count() == 2
    assert points_available(member=member) == 50


def test_rejection_releases_and_redeeming_the_code_charges_the_hold(member, desk):
    give(member, 650, desk)
    item = RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=10)
    kept = reward_request(member=member, item=item)
    dropped = reward_request(member=member, item=item)
    outlet = RewardOutlet.objects.create(name="翠湖服务中心", kind="service_centre")
    outlet.staff.add(desk)

    reward_reject(fulfilment=dropped, by=desk, reason="缺货")
    kept = reward_approve(fulfilment=kept, by=desk)
    assert points_balance(member=member, ledger=REWARD) == 650  # held, not yet spent
    reward_redeem(code=kept.code, by=desk, outlet=outlet)

    assert points_balance(member=member, ledger=REWARD) == 350
    assert points_available(member=member) == 350
    assert PointsEntry.objects.filter(member=member, amount=-300).count() == 1


def test_held_points_do_not_expire_at_carry_over(member, desk, settings):
    settings.POINTS_EXPIRY_MONTHS = 0
    give(member, 500, desk)
    hold = points_hold(member=member, amount=300, source_key="activity:3:m", reason="活动")

    points_expire(on=datetime.date.today() + datetime.timedelta(days=1))
    points_hold_charge(hold=hold)

    assert points_balance(member=member, ledger=REWARD) == 0
    assert points_available(member=member) == 0


def test_rewards_page_shows_available_and_held(client, member, desk):
    give(member, 650, desk)
    item = RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=10)
    reward_request(member=member, item=item)
    client.force_login(member)

    page = client.get("/me/rewards/").text

    assert 'data-testid="reward-balance">350<' in page
    assert 'data-testid="reward-held">' in page and "300" in page


def test_a_hold_is_for_a_positive_amount_of_this_members_points(member, other_member, desk):
    give(member, 300, desk)
    give(other_member, 300, desk, key="other")
    long_reason = "活动" * 150

    for amount in (0, -5):
        with pytest.raises(PointsError):
            points_hold(member=member, amount=amount, source_key=f"zero:{amount}", reason="活动")
    hold = points_hold(member=member, amount=300, source_key="activity:9:m", reason=long_reason)
    with pytest.raises(PointsError):
        points_hold(member=other_member, amount=300, source_key="activity:9:m", reason="活动")

    hold.refresh_from_db()
    assert (hold.member, hold.amount, hold.status) == (member, 300, "held")
    assert hold.reason == long_reason[:200]
    assert points_available(member=member) == 0
    assert points_available(member=other_member) == 300
    assert PointsHold.objects.count() == 1


def test_a_hold_may_take_exactly_what_is_available_and_says_so_when_short(member, desk):
    give(member, 300, desk)
    points_hold(member=member, amount=300, source_key="all", reason="活动")

    with pytest.raises(PointsError, match="0") as refused:
        points_hold(member=member, amount=1, source_key="one-more", reason="活动")

    assert "-" not in str(refused.value)  # the available amount is never shown below zero
    assert points_available(member=member) == 0


def test_a_charge_spends_the_held_amount_once_with_the_holds_reason_and_source(member, desk):
    give(member, 500, desk)
    hold = points_hold(member=member, amount=120, source_key="activity:5:m", reason="烘焙课")

    entry = points_hold_charge(hold=hold, by=desk, category="marketing")

    entry.refresh_from_db()
    hold.refresh_from_db()
    assert (entry.ledger, entry.amount, entry.category) == (REWARD, -120, "marketing")
    assert (entry.reason, entry.source_key, entry.created_by) == ("烘焙课", "activity:5:m", desk)
    assert (hold.status, hold.entry, hold.settled_at is not None) == ("charged", entry, True)
    assert points_balance(member=member, ledger=REWARD) == 380
    assert points_available(member=member) == 380


def test_a_release_gives_the_points_back_and_settles_the_hold(member, desk):
    give(member, 500, desk)
    hold = points_hold(member=member, amount=200, source_key="activity:6:m", reason="活动")
    assert points_available(member=member) == 300

    points_hold_release(hold=hold)

    hold.refresh_from_db()
    assert (hold.status, hold.settled_at is not None, hold.entry) == ("released", True, None)
    assert points_available(member=member) == 500
    assert not PointsEntry.objects.filter(member=member, amount__lt=0).exists()


def test_an_entry_debit_may_not_spend_held_points_and_is_written_once(member, desk):
    from portal.members.points import points_entry_add

    give(member, 500, desk)
    points_hold(member=member, amount=300, source_key="activity:7:m", reason="活动")
    debit = {"member": member, "ledger": REWARD, "category": "other", "reason": "冲正"}

    with pytest.raises(PointsError, match="该会员的奖励积分不足"):
        points_entry_add(amount=-201, idempotency_key="debit:1", **debit)
    entry, created = points_entry_add(
        amount=-200, idempotency_key="debit:2", source_key="reversal:1", source=desk, by=desk,
        **debit,
    )  # fmt: skip
    again, created_again = points_entry_add(amount=-200, idempotency_key="debit:2", **debit)
    plain, _created = points_entry_add(amount=5, idempotency_key="credit:1", **debit)

    assert (created, created_again, again.pk) == (True, False, entry.pk)
    assert (entry.amount, entry.source_key, entry.created_by) == (-200, "reversal:1", desk)
    assert (entry.source_type.model, entry.source_id) == ("user", str(desk.pk))
    assert (plain.source_key, plain.source_type, plain.created_by) == ("", None, None)
    assert points_balance(member=member, ledger=REWARD) == 305
    assert points_available(member=member) == 5


def test_entries_on_the_upgrade_ledger_move_the_level_both_ways(member, desk):
    from portal.members.models import MemberProfile
    from portal.members.points import points_entry_add

    def level():
        return MemberProfile.objects.get(user=member).level.code

    upgrade = {"member": member, "ledger": PointsEntry.Ledger.UPGRADE, "category": "other"}
    points_entry_add(amount=1000, reason="批量发放", idempotency_key="bulk:1", **upgrade)
    assert level() == "silver"
    assert points_available(member=member) == 0  # upgrade points are not spendable

    points_entry_add(amount=-1000, reason="撤销", idempotency_key="bulk:1:reversal", **upgrade)

    assert level() == "basic"


def test_a_grant_on_both_ledgers_writes_two_entries_and_a_negative_upgrade_lowers_the_level(
    member, desk
):
    from portal.members.models import MemberProfile

    grant = {"member": member, "by": desk, "reason": "活动", "category": "marketing"}
    entries = points_grant(reward_points=30, upgrade_points=1000, idempotency_key="f1", **grant)

    assert sorted((e.ledger, e.amount) for e in entries) == [(REWARD, 30), ("upgrade", 1000)]
    assert {(e.created_by, e.source_key) for e in entries} == {(desk, f"staff:{desk.pk}")}
    assert MemberProfile.objects.get(user=member).level.code == "silver"

    points_grant(reward_points=0, upgrade_points=-1, idempotency_key="f2", **grant)

    assert MemberProfile.objects.get(user=member).level.code == "basic"
    assert points_available(member=member) == 30


def test_a_correction_may_not_take_points_a_hold_set_aside(member, desk):
    """Else charging the hold later would take the reward balance below zero."""
    give(member, 300, desk)
    hold = points_hold(member=member, amount=200, source_key="activity:8:m", reason="活动")
    correction = {"member": member, "by": desk, "upgrade_points": 0, "reason": "更正"}

    with pytest.raises(PointsError, match="该会员的奖励积分不足"):
        points_grant(reward_points=-101, category="other", idempotency_key="c1", **correction)
    points_grant(reward_points=-100, category="other", idempotency_key="c2", **correction)
    points_hold_charge(hold=hold)

    assert points_balance(member=member, ledger=REWARD) == 0
    assert points_available(member=member) == 0


def test_a_reward_debit_never_moves_the_level(member, desk):
    """Levels follow upgrade points; spending reward points neither raises nor lowers them."""
    from portal.members.models import MemberLevel, MemberProfile
    from portal.members.points import points_entry_add

    give(member, 100, desk)
    MemberProfile.objects.filter(user=member).update(level=MemberLevel.objects.get(code="gold"))

    points_entry_add(
        member=member, ledger=REWARD, amount=-50, category="other", reason="兑换",
        idempotency_key="spend:1",
    )  # fmt: skip

    assert MemberProfile.objects.get(user=member).level.code == "gold"
    assert points_available(member=member) == 50
