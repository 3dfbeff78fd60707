"""The yearly plan: rules and grants draw on plan lines; the plan view shows issued, redeemed,
expired and remaining per line and month, warns at 80% and refuses beyond 100% until an
approver raises the budget."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from portal.members.models import PointsRule, RedemptionItem
from portal.members.points import points_balance, points_event_pay
from portal.rewards.models import PlanEntry, PlanLine, PointsPlan, RewardOption
from portal.rewards.plan import plan_line_budget_change
from portal.rewards.services import reward_approve, reward_redeem, reward_request
from tests.rewards.conftest import give, staff_with

YEAR = timezone.localdate().year


@pytest.fixture
def line(db):
    plan = PointsPlan.objects.create(year=YEAR, name=f"{YEAR} 年度积分计划")
    return PlanLine.objects.create(plan=plan, category="marketing", budget=100)


@pytest.fixture
def rule(db):
    rule = PointsRule(
        code="spring-promo", event="club_visit", name="春季推广", reward_points=40,
        category="marketing",
    )  # fmt: skip
    rule.full_clean()
    rule.save()
    return rule


@pytest.fixture
def planner(db):
    return staff_with("rewards.view_pointsplan", username="planner")


@pytest.fixture
def approver(db):
    return staff_with("rewards.view_pointsplan", "rewards.raise_planline", username="approver")


def pay(member, key):
    return points_event_pay(member=member, event="club_visit", source_key=key)


def test_rules_draw_on_their_line_and_stop_at_the_budget(member, line, rule):
    assert pay(member, "a") and pay(member, "b")
    assert pay(member, "c") == []  # 120 > 100

    line.refresh_from_db()
    assert line.issued == 80
    assert points_balance(member=member, ledger="reward") == 80
    assert PlanEntry.objects.filter(line=line, kind="issued").count() == 2


def test_the_plan_view_warns_at_80_percent_and_marks_a_spent_budget(
    client, member, line, rule, planner
):
    client.force_login(planner)
    pay(member, "a")
    assert 'data-testid="plan-warn"' not in client.get("/members/plan/").text

    pay(member, "b")  # 80%
    page = client.get("/members/plan/").text
    assert 'data-testid="plan-warn"' in page and "80%" in page

    PlanLine.objects.filter(pk=line.pk).update(budget=80)
    assert 'data-testid="plan-over"' in client.get("/members/plan/").text


def test_an_approver_raises_the_budget_and_the_rule_pays_again(
    client, member, line, rule, approver
):
    pay(member, "a"), pay(member, "b")
    assert pay(member, "c") == []
    client.force_login(approver)

    client.post(f"/members/plan/lines/{line.pk}/budget/", {"budget": 200, "reason": "追加推广"})

    line.refresh_from_db()
    assert line.budget == 200 and line.changes.get().reason == "追加推广"
    assert pay(member, "c")


def test_only_approvers_change_budgets(client, member, line, planner):
    for user in (member, planner):
        client.force_login(user)
        response = client.post(
            f"/members/plan/lines/{line.pk}/budget/", {"budget": 999, "reason": "x"}
        )
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        plan_line_budget_change(line=line, budget=999, by=planner, reason="x")
    line.refresh_from_db()
    assert line.budget == 100


def test_the_plan_view_is_refused_without_the_permission(client, member):
    verifier = staff_with("portal.verify_unitownership", username="verifier")
    for user in (member, verifier):
        client.force_login(user)
        assert client.get("/members/plan/").status_code == 403


def test_redeemed_points_show_on_the_reward_category_line(client, member, planner):
    plan = PointsPlan.objects.create(year=YEAR, name="计划")
    membership = PlanLine.objects.create(plan=plan, category="membership", budget=10000)
    give(member, 500)
    item = RedemptionItem.objects.create(name="保温杯", points_cost=300, stock=5)
    RewardOption.objects.create(item=item, method="pickup", category="membership")
    desk = staff_with("portal.change_redemptionrequest", username="desk")
    fulfilment = reward_approve(fulfilment=reward_request(member=member, item=item), by=desk)
    from portal.rewards.models import RewardOutlet

    outlet = RewardOutlet.objects.create(name="中心", kind="service_centre")
    outlet.staff.add(desk)
    reward_redeem(code=fulfilment.code, by=desk, outlet=outlet)

    assert PlanEntry.objects.get(line=membership, kind="redeemed").amount == -300
    client.force_login(planner)
    row = client.get("/members/plan/").context["lines"][0]
    assert (row["redeemed"], row["issued"]) == (300, 0)


def test_points_outside_any_line_are_shown_apart_and_exported(client, member, planner):
    rule = PointsRule(code="odd", event="club_visit", name="=cmd|calc", reward_points=7)
    rule.full_clean()
    rule.save()
    pay(member, "x")
    client.force_login(planner)

    page = client.get("/members/plan/")
    export = client.get("/members/plan/?format=csv").content.decode()

    assert page.context["outside"][0]["issued"] == 7
    assert 'data-testid="plan-outside"' in page.text
    assert "会员常规" in export and ",7," in export


def test_the_effectiveness_report_shows_what_the_points_bought(client, member, line, rule, planner):
    PointsPlan.objects.filter(pk=line.plan_id).update(point_value="0.05")
    other = staff_with(username="another_member")
    pay(member, "a")
    pay(other, "b")
    client.force_login(planner)

    page = client.get(f"/members/plan/{YEAR}/report/")
    export = client.get(f"/members/plan/{YEAR}/report/?format=csv").content.decode()

    (row,) = page.context["events"]
    assert (row["payments"], row["members"], row["points"]) == (2, 2, 80)
    assert "到访会员中心" in page.text and "4.00" in page.text
    assert "到访会员中心,2,2,80,4.00" in export
    client.force_login(member)
    assert client.get(f"/members/plan/{YEAR}/report/").status_code == 403


@pytest.mark.parametrize("year", ["0", "99999", "1999"])
def test_an_impossible_plan_year_is_404(client, planner, year):
    client.force_login(planner)
    assert client.get(f"/members/plan/{year}/").status_code == 404
    assert client.get(f"/members/plan/{year}/report/").status_code == 404
