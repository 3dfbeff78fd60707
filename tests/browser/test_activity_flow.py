"""An editor writes an activity, an approver publishes it, a member signs up, staff check the
member in on a phone, and the member sees the points for attending."""

import re

import pytest
from django.contrib.auth.models import Group

from cms.models import HomePage
from portal.activities.models import ActivityIndexPage, ActivityPage
from portal.members.models import PointsRule
from tests.activities.conftest import activity_staff, in_days, publish_child
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "周末亲子烘焙课"
ADMIN_TIMEOUT = 30000


def test_publish_sign_up_check_in_on_a_phone_and_earn_points(page, chromium, live_server):
    index = publish_child(
        HomePage.objects.get(), ActivityIndexPage(title="会员活动", slug="activities")
    )
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    approver = UserFactory(username="approver")
    approver.groups.add(Group.objects.get(name="Approvers"))
    member = UserFactory(username="member1", display_name="热心会员")
    activity_staff("check_in_signup", username="door")
    PointsRule.objects.get_or_create(
        code="activity_attended",
        defaults={"name": "参加会员活动", "reward_points": 50, "upgrade_points": 50},
    )
    page.set_default_timeout(ADMIN_TIMEOUT)

    # The editor writes the activity and submits it; the approver approves (publishes) it.
    log_in(page, username="editor", password=TEST_PASSWORD)
    page.goto(f"/cms/pages/add/activities/activitypage/{index.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_starts_at").fill(in_days(5).strftime("%Y-%m-%d 14:00"))
    page.locator("#id_ends_at").fill(in_days(5).strftime("%Y-%m-%d 16:00"))
    page.locator("#id_place").fill("翠湖天地会所二楼")
    page.locator("#id_capacity").fill("20")
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    with page.expect_navigation():
        page.locator("button[name=action-submit]").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/"))
    activity = ActivityPage.objects.get(title=TITLE)
    page.context.clear_cookies()
    log_in(page, username="approver", password=TEST_PASSWORD)
    page.goto(f"/cms/pages/{activity.pk}/edit/")
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    with page.expect_navigation():
        page.locator(
            "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        ).click()
    page.context.clear_cookies()

    # The member finds it on /activities/ and signs up.
    log_in(page, username="member1", password=TEST_PASSWORD)
    page.goto("/activities/")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()
    with page.expect_navigation():
        page.locator("[data-testid=activity-signup] button[type=submit]").click()
    assert page.locator("[data-testid=activity-state]").get_attribute("data-state") == "signed_up"

    # Staff check the member in at the door, on a phone.
    phone = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    door = phone.new_page()
    log_in(door, username="door", password=TEST_PASSWORD)
    door.goto(f"/activities/staff/{activity.pk}/check-in/")
    door.locator("#id_code").fill(member.member_profile.member_number)
    with door.expect_navigation():
        door.locator("[data-testid=check-in-form] button[type=submit]").click()
    result = door.locator("[data-testid=check-in-result]")
    assert result.get_attribute("data-result") == "ok"
    assert "热心会员" in result.inner_text()
    phone.close()

    # The member sees the points for attending.
    page.goto("/me/points/")
    assert TITLE in page.content()
    assert "50" in page.content()
