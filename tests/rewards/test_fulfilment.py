"""Rewards that reach the member: request → approval → code or shipment → 核销 / delivery,
or rejection / expiry with the hold released; the member told at each step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.members.models import Notice, PointsHold, RedemptionItem
from portal.members.points import PointsError, points_available, points_balance
from portal.rewards.models import Fulfilment, FulfilmentError
from portal.rewards.services import (
    reward_approve,
    reward_code_token,
    reward_redeem,
    reward_reject,
    reward_request,
    reward_ship,
    rewards_expire,
)
from tests.factories import UserFactory
from tests.rewards.conftest import give, staff_with


def stock_of(item):
    return RedemptionItem.objects.get(pk=item.pk).stock


def test_pickup_end_to_end_through_the_pages(client, member, cup, desk, centre):
    give(member, 500)
    client.force_login(member)
    client.post("/me/rewards/", {"item": cup.pk})
    fulfilment = Fulfilment.objects.get(request__member=member)
    assert fulfilment.status == "requested" and stock_of(cup) == 4
    assert points_available(member=member) == 200
    assert points_balance(member=member, ledger="reward") == 500

    client.force_login(desk)
    assert "保温杯" in client.get("/members/redemptions/").text
    client.post(f"/members/redemptions/{fulfilment.pk}/", {"decision": "approve"})
    fulfilment.refresh_from_db()
    assert fulfilment.status == "ready" and len(fulfilment.code) == 10

    client.force_login(member)
    page = client.get("/me/rewards/").text
    assert fulfilment.code in page and "<svg" in page and "待领取" in page

    staff = centre.staff.get()
    client.force_login(staff)
    token = reward_code_token(fulfilment=fulfilment)
    lookup = client.get(f"/rewards/redeem/?t={token}").text
    assert "保温杯" in lookup and 'data-testid="redeem-found"' in lookup
    client.post("/rewards/redeem/", {"code": fulfilment.code, "outlet": centre.pk})

    fulfilment.refresh_from_db()
    assert fulfilment.status == "fulfilled" and fulfilment.outlet == centre
    assert points_balance(member=member, ledger="reward") == 200
    titles = list(Notice.objects.filter(recipient=member).values_list("title", flat=True))
    assert len(titles) == 3 and any("领取" in t for t in titles)
    client.force_login(member)
    assert "已完成" in client.get("/me/rewards/").text


def test_a_code_is_redeemed_once(member, cup, desk, centre):
    give(member, 500)
    fulfilment = reward_approve(fulfilment=reward_request(member=member, item=cup), by=desk)
    staff = centre.staff.get()
    reward_redeem(code=fulfilment.code, by=staff, outlet=centre)

    with pytest.raises(FulfilmentError, match="已于 .* 核销"):
        reward_redeem(code=fulfilment.code, by=staff, outlet=centre)
    assert points_balance(member=member, ledger="reward") == 200


def test_a_code_is_refused_at_the_wrong_merchant(member, cup, desk, merchant):
    give(member, 500)
    fulfilment = reward_approve(fulfilment=reward_request(member=member, item=cup), by=desk)

    with pytest.raises(FulfilmentError, match="翠湖服务中心"):
        reward_redeem(code=fulfilment.code, by=merchant.staff.get(), outlet=merchant)
    fulfilment.refresh_from_db()
    assert fulfilment.status == "ready"


def test_staff_cannot_redeem_for_an_outlet_they_do_not_work_at(member, cup, desk, centre):
    give(member, 500)
    fulfilment = reward_approve(fulfilment=reward_request(member=member, item=cup), by=desk)

    with pytest.raises(PermissionDenied):
        reward_redeem(code=fulfilment.code, by=desk, outlet=centre)


def test_the_redeem_page_is_for_outlet_staff_only(client, member, desk):
    for user in (member, desk):
        client.force_login(user)
        assert client.get("/rewards/redeem/").status_code == 403
    client.logout()
    assert client.get("/rewards/redeem/").status_code == 302


def test_a_code_not_yet_approved_cannot_be_handed_over(member, cup, centre):
    give(member, 500)
    fulfilment = reward_request(member=member, item=cup)
    assert fulfilment.code is None
    with pytest.raises(FulfilmentError):
        reward_redeem(code="ABCDEFGHJK", by=centre.staff.get(), outlet=centre)


def test_a_forged_qr_is_refused(client, centre):
    client.force_login(centre.staff.get())
    page = client.get("/rewards/redeem/?t=ABCDEFGHJK:forged").text
    assert 'data-testid="redeem-found"' not in page


def test_delivery_captures_the_address_ships_and_masks_it(client, member, parcel, desk):
    give(member, 500)
    client.force_login(member)
    client.post("/me/rewards/", {"item": parcel.pk})  # no address
    assert not Fulfilment.objects.exists()
    client.post(
        "/me/rewards/",
        {
            "item": parcel.pk,
            "recipient_name": "张三丰",
            "recipient_mobile": "13812341234",
            "address": "上海市浦东新区翠湖路88号",
        },
    )
    fulfilment = Fulfilment.objects.get()

    client.force_login(desk)
    masked = client.get("/members/redemptions/").text
    assert "13812341234" not in masked and "翠湖路88号" not in masked and "138****1234" in masked
    reader = staff_with(
        "portal.change_redemptionrequest", "rewards.view_delivery_address", username="shipper"
    )
    client.force_login(reader)
    assert "上海市浦东新区翠湖路88号" in client.get("/members/redemptions/").text

    reward_approve(fulfilment=fulfilment, by=desk)
    with pytest.raises(FulfilmentError):
        reward_ship(fulfilment=fulfilment, by=desk, carrier="", tracking_number="")
    reward_ship(fulfilment=fulfilment, by=desk, carrier="顺丰", tracking_number="SF123")
    assert points_balance(member=member, ledger="reward") == 300

    client.force_login(member)
    assert "SF123" in client.get("/me/rewards/").text
    client.post(f"/me/rewards/{fulfilment.pk}/received/")
    fulfilment.refresh_from_db()
    assert fulfilment.status == "fulfilled"


def test_another_member_cannot_confirm_my_delivery(client, member, parcel, desk):
    give(member, 500)
    fulfilment = reward_request(
        member=member, item=parcel, recipient_name="张三", recipient_mobile="13812341234",
        address="某路1号",
    )  # fmt: skip
    reward_approve(fulfilment=fulfilment, by=desk)
    reward_ship(fulfilment=fulfilment, by=desk, carrier="顺丰", tracking_number="SF1")
    client.force_login(UserFactory(username="stranger"))

    assert client.post(f"/me/rewards/{fulfilment.pk}/received/").status_code == 404


def test_electronic_code_at_the_merchant(member, voucher, desk, merchant):
    give(member, 500)
    fulfilment = reward_approve(fulfilment=reward_request(member=member, item=voucher), by=desk)
    assert fulfilment.status == "ready"

    reward_redeem(code=fulfilment.code.lower(), by=merchant.staff.get(), outlet=merchant)

    assert points_balance(member=member, ledger="reward") == 400


def test_rejection_releases_the_hold_and_the_stock(member, cup, desk):
    give(member, 500)
    fulfilment = reward_request(member=member, item=cup)

    reward_reject(fulfilment=fulfilment, by=desk, reason="缺货")

    assert points_available(member=member) == 500 and stock_of(cup) == 5
    assert Fulfilment.objects.get().status == "rejected"
    assert Notice.objects.filter(recipient=member, body__contains="缺货").exists()
    with pytest.raises(FulfilmentError):
        reward_approve(fulfilment=fulfilment, by=desk)


def test_unredeemed_codes_expire_and_give_the_points_back(member, cup, desk, centre):
    give(member, 500)
    fulfilment = reward_approve(fulfilment=reward_request(member=member, item=cup), by=desk)

    assert rewards_expire(now=timezone.now() + datetime.timedelta(days=6)) == 0
    assert rewards_expire(now=timezone.now() + datetime.timedelta(days=8)) == 1

    fulfilment.refresh_from_db()
    assert fulfilment.status == "expired"
    assert points_available(member=member) == 500 and stock_of(cup) == 5
    assert PointsHold.objects.get().status == "released"
    with pytest.raises(FulfilmentError):
        reward_redeem(code=fulfilment.code, by=centre.staff.get(), outlet=centre)


def test_approving_twice_is_refused(member, cup, desk):
    give(member, 500)
    fulfilment = reward_request(member=member, item=cup)
    reward_approve(fulfilment=fulfilment, by=desk)

    with pytest.raises(FulfilmentError):
        reward_approve(fulfilment=fulfilment, by=desk)


def test_a_request_beyond_the_available_balance_is_refused(client, member, cup):
    give(member, 400)
    reward_request(member=member, item=cup)

    with pytest.raises(PointsError):
        reward_request(member=member, item=cup)
    client.force_login(member)
    response = client.post("/me/rewards/", {"item": cup.pk}, follow=True)
    assert "可用" in response.text
    assert stock_of(cup) == 4


def test_out_of_stock_is_refused(member, cup):
    give(member, 5000)
    RedemptionItem.objects.filter(pk=cup.pk).update(stock=0)
    with pytest.raises(PointsError):
        reward_request(member=member, item=cup)


def test_staff_pages_are_refused_to_members_and_other_staff(client, member, cup):
    give(member, 500)
    fulfilment = reward_request(member=member, item=cup)
    verifier = staff_with("portal.verify_unitownership", username="verifier")
    for user in (member, verifier):
        client.force_login(user)
        assert client.get("/members/redemptions/").status_code == 403
        response = client.post(f"/members/redemptions/{fulfilment.pk}/", {"decision": "approve"})
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        reward_approve(fulfilment=fulfilment, by=verifier)
    assert Fulfilment.objects.get().status == "requested"
