import pytest
from django.contrib.auth.models import Group, Permission

from portal.members.events import points_event_register
from portal.members.models import PointsEntry, RedemptionItem
from portal.rewards.models import RewardOption, RewardOutlet
from tests.factories import UserFactory

# An event only tests emit, so rules can be tried without depending on another area's events.
points_event_register(code="club_visit", label="到访会员中心", app="tests")


def staff_with(*perms, username="staff"):
    """A staff account holding exactly these permissions ("app_label.codename")."""
    group, _created = Group.objects.get_or_create(name=f"group-{username}")
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


def give(member, amount, key="seed"):
    PointsEntry.objects.create(
        member=member, ledger="reward", amount=amount, reason="活动", idempotency_key=key
    )


@pytest.fixture
def desk(db):
    return staff_with("portal.change_redemptionrequest", username="gift_desk")


@pytest.fixture
def centre(db):
    outlet = RewardOutlet.objects.create(name="翠湖服务中心", kind="service_centre")
    outlet.staff.add(UserFactory(username="centre_staff"))
    return outlet


@pytest.fixture
def merchant(db):
    outlet = RewardOutlet.objects.create(name="联盟咖啡馆", kind="merchant")
    outlet.staff.add(UserFactory(username="cafe_staff"))
    return outlet


@pytest.fixture
def cup(centre):
    item = RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=5)
    option = RewardOption.objects.create(item=item, method="pickup", code_valid_days=7)
    option.outlets.add(centre)
    return item


@pytest.fixture
def parcel(db):
    item = RedemptionItem.objects.create(name="绿植盆栽", points_cost=200, stock=3)
    RewardOption.objects.create(item=item, method="delivery")
    return item


@pytest.fixture
def voucher(merchant):
    item = RedemptionItem.objects.create(
        name="咖啡券", kind="voucher", merchant="联盟咖啡馆", points_cost=100, stock=2
    )
    option = RewardOption.objects.create(item=item, method="electronic")
    option.outlets.add(merchant)
    return item
