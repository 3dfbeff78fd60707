"""An administrator adds a rule, a member earns by it and redeems a reward, and a merchant's
staff redeem the code on a phone."""

import pytest

from portal.members.models import PointsRule, RedemptionItem
from portal.rewards.models import Fulfilment, RewardOption, RewardOutlet
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_rule_earn_redeem_and_redeem_the_code_on_a_phone(page, chromium, live_server, member):
    PointsRule.objects.filter(event="profile_completed").update(active=False)
    admin = UserFactory(username="rule_admin", is_staff=True, is_superuser=True)
    cafe_staff = UserFactory(username="cafe_staff")
    outlet = RewardOutlet.objects.create(name="星悦咖啡", kind="merchant")
    outlet.staff.add(cafe_staff)
    item = RedemptionItem.objects.create(
        name="咖啡代金券", kind="voucher", points_cost=500, stock=3
    )
    option = RewardOption.objects.create(item=item, method="electronic")
    option.outlets.add(outlet)

    # The administrator adds a rule on an event in the admin.
    log_in(page, username=admin.username, password=TEST_PASSWORD)
    page.goto("/django-admin/portal/pointsrule/add/")
    page.select_option("select[name=event]", "profile_completed")
    page.fill("input[name=code]", "profile-bonus")
    page.fill("input[name=name]", "完善资料加赠")
    page.fill("input[name=reward_points]", "500")
    page.fill("input[name=upgrade_points]", "0")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert "完善资料加赠" in page.content()

    # The member sees it among the ways to earn points and earns by completing the profile.
    page.context.clear_cookies()
    log_in(page, username=member.username, password=TEST_PASSWORD)
    page.goto("/me/points/")
    page.click("[data-testid=points-earn]")
    page.wait_for_url("**/points/earn/")
    assert "完善资料加赠" in page.content()
    page.goto("/me/profile/")
    page.fill("input[name=real_name]", "王一鸣")
    page.fill("input[name=mobile]", "13900000009")
    page.fill("input[name=city]", "成都")
    page.select_option("select[name=gender]", "male")
    page.fill("input[name=birth_year]", "1988")
    page.select_option("select[name=family]", "couple")
    page.select_option("select[name=how_heard]", "online")
    page.check("input[name=interests][value=sports]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto("/me/rewards/")
    assert page.locator("[data-testid=reward-balance]").inner_text() == "500"

    # The member redeems a voucher; the administrator approves it; the member gets a code.
    with page.expect_navigation():
        page.click("[data-testid=reward-request]")
    assert page.locator("[data-testid=reward-status]").first.inner_text() == "已申请"
    page.context.clear_cookies()
    log_in(page, username=admin.username, password=TEST_PASSWORD)
    page.goto("/members/redemptions/")
    with page.expect_navigation():
        page.click("[data-testid=redemption-approve]")
    page.context.clear_cookies()
    log_in(page, username=member.username, password=TEST_PASSWORD)
    page.goto("/me/rewards/")
    code = page.locator("[data-testid=reward-code]").inner_text()
    assert len(code) == 10 and page.locator(".reward-qr svg").count() == 1

    # The merchant's staff redeem it on a phone, once.
    phone = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    phone.set_default_timeout(15000)
    counter = phone.new_page()
    log_in(counter, username=cafe_staff.username, password=TEST_PASSWORD)
    counter.goto("/rewards/redeem/")
    counter.fill("[data-testid=redeem-code]", code)
    with counter.expect_navigation():
        counter.click("[data-testid=redeem-submit]")
    assert "已核销" in counter.content()
    counter.fill("[data-testid=redeem-code]", code)
    with counter.expect_navigation():
        counter.click("[data-testid=redeem-submit]")
    assert "此兑换码已于" in counter.content()
    phone.close()

    assert Fulfilment.objects.get().status == "fulfilled"
    page.goto("/me/rewards/")
    assert page.locator("[data-testid=reward-status]").first.inner_text() == "已完成"
