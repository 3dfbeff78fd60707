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
