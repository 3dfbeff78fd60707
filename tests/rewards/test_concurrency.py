"""Races on PostgreSQL with real connections: stock, approvals and 核销 decided one at a time."""

import os
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections

from portal.members.models import PointsEntry, RedemptionItem
from portal.members.points import PointsError, points_balance
from portal.rewards.models import Fulfilment, FulfilmentError, RewardOutlet
from portal.rewards.services import reward_approve, reward_redeem, reward_request
from tests.factories import UserFactory
from tests.rewards.conftest import give, staff_with

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="threads need a server database",
    ),
    # serialized_rollback: the flush after a transactional test would drop the migrations' data.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(calls):
    """Run the calls at the same moment; each outcome is "ok" or the exception's class name."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except (PointsError, FulfilmentError, PermissionDenied) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_stock_never_goes_below_zero_under_concurrent_requests():
    item = RedemptionItem.objects.create(name="限量茶具", points_cost=100, stock=2)
    members = [UserFactory(username=f"racer{n}") for n in range(6)]
    for member in members:
        give(member, 500, key=f"seed:{member.pk}")

    outcomes = race([lambda m=m: reward_request(member=m, item=item) for m in members])

    assert outcomes.count("ok") == 2
    assert RedemptionItem.objects.get(pk=item.pk).stock == 0
    assert Fulfilment.objects.count() == 2


def test_two_approvals_at_once_issue_one_code():
    desk = staff_with("portal.change_redemptionrequest", username="desk_a")
    other = staff_with("portal.change_redemptionrequest", username="desk_b")
    member = UserFactory(username="approved_once")
    give(member, 500)
    item = RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=3)
    fulfilment = reward_request(member=member, item=item)

    outcomes = race(
        [lambda: reward_approve(fulfilment=fulfilment, by=desk),
         lambda: reward_approve(fulfilment=fulfilment, by=other)]
    )  # fmt: skip

    assert outcomes == ["FulfilmentError", "ok"]
    assert Fulfilment.objects.get().steps.filter(status="ready").count() == 1


def test_a_code_redeemed_at_two_counters_at_once_is_handed_over_once():
    desk = staff_with("portal.change_redemptionrequest", username="desk_c")
    member = UserFactory(username="collector")
    give(member, 500)
    item = RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=3)
    fulfilment = reward_approve(fulfilment=reward_request(member=member, item=item), by=desk)
    outlet = RewardOutlet.objects.create(name="服务中心", kind="service_centre")
    counters = [UserFactory(username=f"counter{n}") for n in range(2)]
    outlet.staff.add(*counters)

    outcomes = race(
        [lambda s=s: reward_redeem(code=fulfilment.code, by=s, outlet=outlet) for s in counters]
    )

    assert outcomes == ["FulfilmentError", "ok"]
    assert PointsEntry.objects.filter(member=member, amount=-300).count() == 1
    assert points_balance(member=member, ledger="reward") == 200
