import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from cms.models import HomePage
from portal.activities.models import ActivityIndexPage, ActivityPage
from portal.members.models import PointsRule
from tests.factories import UserFactory


def publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def in_days(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


@pytest.fixture
def activity_index(db):
    home = HomePage.objects.get()
    return publish_child(home, ActivityIndexPage(title="会员活动", slug="activities"))


def make_activity(index, *, slug="tea", title="茶艺沙龙", days=7, capacity=10, **fields):
    defaults = {
        "starts_at": in_days(days),
        "ends_at": in_days(days) + datetime.timedelta(hours=2),
        "place": "翠湖天地会所",
        "address": "上海市翠湖路 1 号",
        "city": "上海",
        "summary": "品茶、插花与邻里交流",
    }
    defaults.update(fields)
    return publish_child(index, ActivityPage(title=title, slug=slug, capacity=capacity, **defaults))


@pytest.fixture
def activity(activity_index):
    return make_activity(activity_index, max_companions=2)


@pytest.fixture
def attended_rule(db):
    rule, _created = PointsRule.objects.get_or_create(
        code="activity_attended",
        defaults={"name": "参加会员活动", "reward_points": 50, "upgrade_points": 50},
    )
    return rule


def activity_staff(*codenames, username="activity_staff", app_label="activities"):
    group, _created = Group.objects.get_or_create(name=f"group-{username}")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def other_member(db):
    return UserFactory(username="member2", display_name="另一位会员")
