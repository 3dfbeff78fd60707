import pytest
from django.contrib.auth.models import Group, Permission

from portal.members.events import points_event_register
from portal.members.models import PointsRule, RedemptionItem
from tests.factories import UserFactory

# An event only tests emit, so rules can be tried without depending on another area's events.
points_event_register(code="club_visit", label="到访会员中心", app="tests")


def staff_with(*codenames, username="staff"):
    """A staff account in a group holding exactly these portal permissions."""
    group, _created = Group.objects.get_or_create(name=f"group-{username}")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="portal", codename__in=codenames)
    )
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def verifier(db):
    return staff_with("verify_unitownership", username="city_staff")


@pytest.fixture
def other_member(db):
    return UserFactory(username="member2", display_name="另一位会员")


@pytest.fixture
def redemption_staff(db):
    return staff_with("change_redemptionrequest", username="gift_desk")


@pytest.fixture
def gift(db):
    return RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=5)


@pytest.fixture
def rule(db):
    """The seeded rule paying on a resolved case's rating (edited here to known amounts)."""
    r = PointsRule.objects.get(code="case_rated")
    r.reward_points, r.upgrade_points = 20, 10
    r.save()
    return r
