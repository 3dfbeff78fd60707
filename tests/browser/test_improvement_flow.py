"""Issue #16's walk: a moderator goes from a recurring issue on the report page to an item on the
improvement list; engineering adopts it; a member whose post it carries sees it adopted."""

import pytest

from forum.insight.models import ImprovementItem
from forum.insight.services import recurring_issues_refresh
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD
from tests.insight import conftest as insight_fixtures
from tests.insight.conftest import post_ids

departments = insight_fixtures.departments
engineering_staff = insight_fixtures.engineering_staff
feedback = insight_fixtures.feedback

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_recurring_issue_becomes_an_adopted_improvement_the_member_sees(
    page, feedback, moderator, engineering_staff
):
    recurring_issues_refresh(days=90)
    garage_posts = post_ids(feedback["garage"])
    author = feedback["garage"][0].poster
    author.set_password(TEST_PASSWORD)
    author.save()

    log_in(page, username=moderator.username, password=TEST_PASSWORD)
    page.goto("/triage/reports/")
    issue = page.locator('[data-testid="recurring-issue"]', has_text="顶板").first
    name = issue.locator('[data-testid="recurring-issue-name"]').inner_text()
    assert "顶板" in name
    issue.locator('[data-testid="recurring-issue-promote"]').click()
    page.wait_for_load_state()
    page.fill("input[name=title]", "地库顶板防水返修")
    page.fill("input[name=reason]", "同一楼盘反复出现")
    page.click('[data-testid="improvement-create"]')
    page.wait_for_load_state()
    assert page.locator('[data-testid="improvement-status"]').inner_text() == "提出"
    item = ImprovementItem.objects.get()
    assert garage_posts and item.topics.filter(pk=feedback["garage"][0].pk).exists()
    page.context.clear_cookies()

    log_in(page, username=engineering_staff.username, password=TEST_PASSWORD)
    page.goto(f"/triage/improvements/{item.pk}/")
    page.select_option("select[name=status]", "adopted")
    page.fill('[data-testid="improvement-move"] input[name=reason]', "纳入本季度维修计划")
    page.click('[data-testid="improvement-move-submit"]')
    page.wait_for_load_state()
    assert page.locator('[data-testid="improvement-status"]').inner_text() == "已采纳"
    page.context.clear_cookies()

    log_in(page, username=author.username, password=TEST_PASSWORD)
    page.goto("/me/improvements/")
    assert page.locator('[data-testid="my-improvement-status"]').inner_text() == "已采纳"
    assert "地库顶板防水返修" in page.locator('[data-testid="my-improvements"]').inner_text()
