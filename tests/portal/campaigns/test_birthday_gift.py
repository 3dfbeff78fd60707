"""A level's birthday gift (issue #21): given with the birthday greeting once a year, only for
levels that name one, as a zero-cost redemption in the item's pipeline (stock, code, 核销);
out of stock the greeting says so and staff see it; no consent, nothing; the ``birthday``
points rule pays beside it; only staff allowed to change levels set the gift."""

import datetime

import pytest
from django.core import mail

from portal.campaigns.care import birthdays_send
from portal.campaigns.models import BirthdayGreeting
from portal.members.models import (
    MemberLevel,
    Notice,
    PointsEntry,
    RedemptionItem,
    RedemptionRequest,
)
from portal.members.points import points_available
from portal.rewards.models import Fulfilment, RewardOption, RewardOutlet
from portal.rewards.services import reward_approve, reward_redeem, rewards_expire
from tests.portal.campaigns.conftest import member
from tests.rewards.conftest import staff_with

pytestmark = pytest.mark.django_db

BIRTHDAY = datetime.date(2026, 6, 8)


@pytest.fixture
def centre(db):
    outlet = RewardOutlet.objects.create(name="翠湖服务中心", kind="service_centre")
    outlet.staff.add(member("centre_staff"))
    return outlet


@pytest.fixture
def cake(centre):
    item = RedemptionItem.objects.create(name="生日蛋糕券", points_cost=500, stock=5)
    option = RewardOption.objects.create(item=item, method="pickup", code_valid_days=14)
    option.outlets.add(centre)
    return item


@pytest.fixture
def silver_gift(levels, cake):
    MemberLevel.objects.filter(pk=levels["silver"].pk).update(birthday_gift=cake)
    return cake


def birthday_member(username, level, **fields):
    return member(
        username,
        birth_month=BIRTHDAY.month,
        birth_day=BIRTHDAY.day,
        birthday_greetings=True,
        level=level,
        **fields,
    )


def gifts_of(user):
    return Fulfilment.objects.filter(request__member=user)


def test_the_gift_is_given_once_a_year_ready_to_collect(levels, silver_gift, centre):
    silver = birthday_member("silver", levels["silver"])

    assert birthdays_send(today=BIRTHDAY) == 1
    assert birthdays_send(today=BIRTHDAY) == 0  # the daily job run twice

    fulfilment = gifts_of(silver).get()
    assert fulfilment.status == Fulfilment.Status.READY and len(fulfilment.code) == 10
    assert fulfilment.request.points_cost == 0
    assert fulfilment.request.status == RedemptionRequest.Status.APPROVED
    assert fulfilment.request.item == silver_gift
    assert RedemptionItem.objects.get(pk=silver_gift.pk).stock == 4
    greeting = BirthdayGreeting.objects.get(member=silver, year=2026)
    assert greeting.gift_status == BirthdayGreeting.GiftStatus.GRANTED
    assert greeting.gift_fulfilment == fulfilment
    notice = Notice.objects.get(recipient=silver, kind="birthday")
    assert "生日蛋糕券" in notice.body and "翠湖服务中心" in notice.body
    expires = fulfilment.code_expires_at.astimezone().date().isoformat()
    assert expires in notice.body
    assert notice.url == "/me/rewards/"
    # The mail tells how to collect it, but not the code itself.
    (message,) = mail.outbox
    assert "生日蛋糕券" in message.body and "翠湖服务中心" in message.body
    assert fulfilment.code not in message.body

    # Next year: another gift.
    assert birthdays_send(today=datetime.date(2027, 6, 8)) == 1
    assert gifts_of(silver).count() == 2


def test_the_gift_is_collected_at_the_counter_without_points(levels, silver_gift, centre):
    silver = birthday_member("silver", levels["silver"])
    birthdays_send(today=BIRTHDAY)
    fulfilment = gifts_of(silver).get()

    reward_redeem(code=fulfilment.code, by=centre.staff.get(), outlet=centre)

    fulfilment.refresh_from_db()
    assert fulfilment.status == Fulfilment.Status.FULFILLED
    assert not PointsEntry.objects.filter(member=silver).exists()
    assert points_available(member=silver) == 0


def test_an_uncollected_gift_expires_and_its_stock_returns(levels, silver_gift):
    silver = birthday_member("silver", levels["silver"])
    birthdays_send(today=BIRTHDAY)
    fulfilment = gifts_of(silver).get()

    assert rewards_expire(now=fulfilment.code_expires_at) == 1

    fulfilment.refresh_from_db()
    assert fulfilment.status == Fulfilment.Status.EXPIRED
    assert RedemptionItem.objects.get(pk=silver_gift.pk).stock == 5


def test_only_levels_that_name_a_gift_give_one(levels, silver_gift):
    basic = birthday_member("basic", levels["basic"])
    gold = birthday_member("gold", levels["gold"])

    assert birthdays_send(today=BIRTHDAY) == 2

    assert not Fulfilment.objects.exists()
    assert set(BirthdayGreeting.objects.values_list("gift_status", flat=True)) == {""}
    for user in (basic, gold):
        notice = Notice.objects.get(recipient=user, kind="birthday")
        assert "gift" not in notice.body and notice.url == "/me/points/"
    assert RedemptionItem.objects.get(pk=silver_gift.pk).stock == 5


def test_out_of_stock_the_greeting_says_so_and_staff_see_it(client, levels, silver_gift):
    RedemptionItem.objects.filter(pk=silver_gift.pk).update(stock=1)
    first = birthday_member("first", levels["silver"])
    second = birthday_member("second", levels["silver"])

    assert birthdays_send(today=BIRTHDAY) == 2

    assert RedemptionItem.objects.get(pk=silver_gift.pk).stock == 0
    assert Fulfilment.objects.count() == 1
    statuses = dict(BirthdayGreeting.objects.values_list("member__username", "gift_status"))
    assert sorted(statuses.values()) == ["granted", "out_of_stock"]
    (unlucky,) = [u for u in (first, second) if statuses[u.username] == "out_of_stock"]
    notice = Notice.objects.get(recipient=unlucky, kind="birthday")
    assert "out of stock" in notice.body and "生日蛋糕券" in notice.body
    greeting = BirthdayGreeting.objects.get(member=unlucky)
    assert greeting.gift_item == silver_gift and greeting.gift_fulfilment is None
    # Staff who may see greetings find it in the admin, filtered by the gift's status.
    staff = staff_with("campaigns.view_birthdaygreeting", username="care_desk")
    client.force_login(staff)
    response = client.get(
        "/django-admin/campaigns/birthdaygreeting/", {"gift_status__exact": "out_of_stock"}
    )
    assert response.status_code == 200
    lucky = BirthdayGreeting.objects.exclude(pk=greeting.pk).get()
    change = "/django-admin/campaigns/birthdaygreeting/{}/change/"
    assert change.format(greeting.pk) in response.text
    assert change.format(lucky.pk) not in response.text
    # ... and the rerun gives nothing twice, even once restocked.
    RedemptionItem.objects.filter(pk=silver_gift.pk).update(stock=3)
    assert birthdays_send(today=BIRTHDAY) == 0
    assert Fulfilment.objects.count() == 1


def test_a_member_without_consent_for_greetings_gets_nothing(levels, silver_gift):
    quiet = member(
        "quiet",
        birth_month=BIRTHDAY.month,
        birth_day=BIRTHDAY.day,
        birthday_greetings=False,
        level=levels["silver"],
    )

    assert birthdays_send(today=BIRTHDAY) == 0

    assert not BirthdayGreeting.objects.filter(member=quiet).exists()
    assert not Fulfilment.objects.exists()
    assert not Notice.objects.filter(recipient=quiet).exists()
    assert mail.outbox == []
    assert RedemptionItem.objects.get(pk=silver_gift.pk).stock == 5


def test_the_points_rule_still_pays_beside_the_gift(levels, silver_gift, birthday_rule):
    rule = birthday_rule
    silver = birthday_member("silver", levels["silver"])

    birthdays_send(today=BIRTHDAY)
    birthdays_send(today=BIRTHDAY)

    entries = PointsEntry.objects.filter(member=silver, rule=rule, ledger="reward")
    assert list(entries.values_list("amount", flat=True)) == [200]
    assert gifts_of(silver).count() == 1
    assert points_available(member=silver) == 200


def test_a_delivered_gift_waits_for_staff_with_the_members_name_and_mobile(levels):
    parcel = RedemptionItem.objects.create(name="生日花束", points_cost=300, stock=2)
    RewardOption.objects.create(item=parcel, method="delivery")
    MemberLevel.objects.filter(pk=levels["silver"].pk).update(birthday_gift=parcel)
    silver = birthday_member("silver", levels["silver"], real_name="王芳", mobile="13912345678")

    birthdays_send(today=BIRTHDAY)

    fulfilment = gifts_of(silver).get()
    assert fulfilment.status == Fulfilment.Status.REQUESTED
    assert (fulfilment.recipient_name, fulfilment.recipient_mobile) == ("王芳", "13912345678")
    assert "call you" in Notice.objects.get(recipient=silver, kind="birthday").body
    desk = staff_with("portal.change_redemptionrequest", username="gift_desk")
    reward_approve(fulfilment=fulfilment, by=desk)
    approved = Notice.objects.filter(recipient=silver, kind="reward").latest("pk")
    assert "confirm the delivery address" in approved.body


def test_only_staff_who_may_change_levels_set_the_birthday_gift(client, levels, cake):
    silver = levels["silver"]
    form = {
        "code": silver.code,
        "name": silver.name,
        "rank": silver.rank,
        "upgrade_points_threshold": silver.upgrade_points_threshold,
        "yearly_retention_points": silver.yearly_retention_points,
        "benefits": silver.benefits,
        "birthday_gift": cake.pk,
    }
    url = f"/django-admin/portal/memberlevel/{silver.pk}/change/"
    viewer = staff_with("portal.view_memberlevel", username="level_viewer")
    client.force_login(viewer)

    refused = client.post(url, form)

    assert refused.status_code == 403
    assert MemberLevel.objects.get(pk=silver.pk).birthday_gift is None

    manager = staff_with("portal.view_memberlevel", "portal.change_memberlevel", username="mgr")
    client.force_login(manager)
    page = client.get(url)
    assert 'name="birthday_gift"' in page.text
    saved = client.post(url, form)

    assert saved.status_code == 302
    assert MemberLevel.objects.get(pk=silver.pk).birthday_gift == cake


def test_staff_without_the_permission_do_not_see_the_greetings_and_gifts(client, levels):
    outsider = staff_with("portal.view_memberlevel", username="outsider")
    client.force_login(outsider)

    response = client.get("/django-admin/campaigns/birthdaygreeting/")

    assert response.status_code == 403
