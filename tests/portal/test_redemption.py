import os
import threading

import pytest
from django.db import connections

from portal.members.models import PointsEntry, RedemptionItem, RedemptionRequest
from portal.members.points import (
    PointsError,
    points_balance,
    redemption_request_approve,
    redemption_request_create,
)
from tests.factories import UserFactory
from tests.portal.conftest import staff_with


def give(member, amount, key):
    PointsEntry.objects.create(
        member=member, ledger="reward", amount=amount, reason="活动", idempotency_key=key
    )


def test_member_requests_and_staff_approval_debits_points_and_stock(
    client, member, gift, redemption_staff
):
    give(member, 500, "seed")
    client.force_login(member)
    client.post("/me/rewards/", {"item": gift.pk})
    request = RedemptionRequest.objects.get(member=member)
    assert points_balance(member=member, ledger="reward") == 500  # nothing is taken yet

    client.force_login(redemption_staff)
    assert "保温杯" in client.get("/members/redemptions/").text
    client.post(f"/members/redemptions/{request.pk}/", {"decision": "approve"})

    request.refresh_from_db()
    gift.refresh_from_db()
    assert request.status == "approved"
    assert gift.stock == 4
    assert points_balance(member=member, ledger="reward") == 200
    client.force_login(member)
    page = client.get("/me/points/").text
    assert "兑换：保温杯" in page
    assert "已批准" in client.get("/me/rewards/").text


def test_request_without_enough_points_is_refused(client, member, gift):
    give(member, 100, "seed")
    client.force_login(member)

    response = client.post("/me/rewards/", {"item": gift.pk}, follow=True)

    assert "您的奖励积分不足" in response.text
    assert not RedemptionRequest.objects.exists()


def test_rejection_takes_nothing(client, member, gift, redemption_staff):
    give(member, 500, "seed")
    request = redemption_request_create(member=member, item=gift)
    client.force_login(redemption_staff)

    client.post(f"/members/redemptions/{request.pk}/", {"decision": "reject", "reason": "缺货"})

    request.refresh_from_db()
    assert (request.status, request.reject_reason) == ("rejected", "缺货")
    assert points_balance(member=member, ledger="reward") == 500


def test_redemption_pages_are_refused_to_members_and_other_staff(client, member, gift):
    give(member, 500, "seed")
    request = redemption_request_create(member=member, item=gift)
    for user in (member, staff_with("verify_unitownership", username="verifier")):
        client.force_login(user)
        assert client.get("/members/redemptions/").status_code == 403
        response = client.post(f"/members/redemptions/{request.pk}/", {"decision": "approve"})
        assert response.status_code == 403
    assert points_balance(member=member, ledger="reward") == 500


def test_second_request_beyond_the_balance_is_refused_at_request_time(member, gift):
    """Requests hold their points: 400 points cannot back two requests of 300 (#13, finding 11)."""
    give(member, 400, "seed")
    redemption_request_create(member=member, item=gift)

    with pytest.raises(PointsError):
        redemption_request_create(member=member, item=gift)

    assert RedemptionRequest.objects.filter(member=member).count() == 1
    assert points_balance(member=member, ledger="reward") == 400


def test_approving_twice_debits_once(member, gift, redemption_staff):
    give(member, 1000, "seed")
    request = redemption_request_create(member=member, item=gift)

    redemption_request_approve(request=request, by=redemption_staff)
    with pytest.raises(PointsError):
        redemption_request_approve(request=request, by=redemption_staff)

    assert points_balance(member=member, ledger="reward") == 700


def test_the_last_item_goes_to_one_member(member, other_member, redemption_staff):
    item = RedemptionItem.objects.create(
        name="商家代金券", kind="voucher", points_cost=100, stock=1
    )
    give(member, 100, "a")
    give(other_member, 100, "b")
    requests = [redemption_request_create(member=m, item=item) for m in (member, other_member)]

    redemption_request_approve(request=requests[0], by=redemption_staff)
    with pytest.raises(PointsError):
        redemption_request_approve(request=requests[1], by=redemption_staff)

    item.refresh_from_db()
    assert item.stock == 0


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads need a server database; SQLite is covered by the race simulation",
)
# serialized_rollback: the flush after a transactional test would drop the migrations' data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_never_hold_more_than_the_balance():
    """Requests hold their points at once, so the race is at request time: four requests for
    300 points each against a balance of 400, all at once, leave exactly one standing."""
    member = UserFactory(username="racer")
    staff = staff_with("change_redemptionrequest", username="desk")
    # Different items, so only the lock on the member (not on an item row) can serialise them.
    items = [
        RedemptionItem.objects.create(name=f"礼品{n}", points_cost=300, stock=1) for n in range(4)
    ]
    give(member, 400, "seed")
    barrier = threading.Barrier(len(items))
    outcomes = []

    def request(item):
        try:
            barrier.wait()
            redemption_request_create(member=member, item=item)
            outcomes.append("held")
        except PointsError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["held", "refused", "refused", "refused"]
    (standing,) = RedemptionRequest.objects.filter(member=member)
    redemption_request_approve(request=standing, by=staff)
    assert points_balance(member=member, ledger="reward") == 100
    assert sum(RedemptionItem.objects.values_list("stock", flat=True)) == 3
