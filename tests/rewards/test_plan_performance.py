"""The plan view and the effectiveness report aggregate in SQL: their query counts do not grow
with entries, members or months, the levels reached are counted in the database, and the
cached copies change as soon as a new entry is written."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.members.models import MemberLevel, PointsEntry, PointsRule
from portal.members.points import member_levels_ensure, points_event_pay
from portal.rewards.models import PlanLine, PointsPlan
from portal.rewards.selectors import effectiveness_report
from tests.factories import UserFactory
from tests.rewards.conftest import staff_with

YEAR = timezone.localdate().year


@pytest.fixture
def plan(db):
    plan = PointsPlan.objects.create(year=YEAR, name="计划", point_value="0.05")
    for category in ("marketing", "research"):
        PlanLine.objects.create(plan=plan, category=category, budget=1_000_000)
    for code, category in (("promo", "marketing"), ("study", "research")):
        rule = PointsRule(code=code, event="club_visit", name=code, reward_points=10,
                          upgrade_points=300, category=category)  # fmt: skip
        rule.full_clean()
        rule.save()
    return plan


@pytest.fixture
def planner(db):
    return staff_with("rewards.view_pointsplan", username="planner")


def queries_of(client, url):
    cache.clear()
    client.get(url)  # session and permission caches
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_plan_view_and_report_take_the_same_queries_for_more_entries(client, plan, planner):
    client.force_login(planner)
    first = UserFactory(username="first")
    points_event_pay(member=first, event="club_visit", source_key="a")
    urls = (f"/members/plan/{YEAR}/", f"/members/plan/{YEAR}/report/")
    few = [queries_of(client, url) for url in urls]

    for n in range(8):
        member = UserFactory(username=f"m{n}")
        for key in "abc":
            points_event_pay(member=member, event="club_visit", source_key=key)
    PointsEntry.objects.filter(member__username="m1").update(
        created_at=timezone.make_aware(datetime.datetime(YEAR, 2, 3))
    )

    assert [queries_of(client, url) for url in urls] == few


def test_the_cached_plan_view_shows_a_new_entry_at_once(client, plan, planner):
    client.force_login(planner)
    member = UserFactory(username="member_x")
    points_event_pay(member=member, event="club_visit", source_key="a")
    assert client.get("/members/plan/").context["totals"]["issued"] == 20  # both rules paid

    with CaptureQueriesContext(connection) as warm:
        client.get("/members/plan/")
    assert not [
        q for q in warm.captured_queries if "rewards_planentry" in q["sql"] and "SUM" in q["sql"]
    ]

    points_event_pay(member=member, event="club_visit", source_key="b")
    assert client.get("/members/plan/").context["totals"]["issued"] == 40
    report = client.get(f"/members/plan/{YEAR}/report/").context
    assert report["events"][0]["payments"] == 4


def test_levels_reached_in_the_year_are_counted_in_the_database(plan):
    member_levels_ensure()
    last_year = timezone.make_aware(datetime.datetime(YEAR - 1, 6, 1))
    this_year = timezone.make_aware(datetime.datetime(YEAR, 3, 1))

    def upgrade(member, amount, when, key):
        PointsEntry.objects.create(member=member, ledger="upgrade", amount=amount, reason="x",
                                   idempotency_key=key, created_at=when)  # fmt: skip

    climber, old_silver, leaper = (UserFactory(username=n) for n in ("climber", "old", "leap"))
    upgrade(climber, 600, last_year, "c1")
    upgrade(climber, 600, this_year, "c2")  # 1,200: reached 银卡 this year
    upgrade(old_silver, 1500, last_year, "o1")
    upgrade(old_silver, 100, this_year, "o2")  # already 银卡: nothing reached
    upgrade(leaper, 6000, this_year, "l1")  # 银卡 and 金卡 in one year

    reached = {
        row["level"].code: row["reached"] for row in effectiveness_report(year=YEAR)["levels"]
    }

    assert reached == {"silver": 2, "gold": 1, "platinum": 0}
    assert MemberLevel.objects.filter(upgrade_points_threshold=0).exists()  # 普卡 is not counted
