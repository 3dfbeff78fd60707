"""A complaint from the member's post to the department's resolution and the member's rating."""

import pytest
from django.urls import reverse

from forum.boards.models import Board
from forum.cases.models import Case
from tests.browser.conftest import log_in
from tests.factories import TEST_PASSWORD, UserFactory
from tests.forum.cases import conftest as cases_fixtures

# The cases fixtures, shared with this browser test.
departments = cases_fixtures.departments
routing_model = cases_fixtures.routing_model

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_leaking_bathroom_goes_to_engineering_who_resolve_it_and_the_member_rates_it(
    page, boards, member, routing_model, departments
):
    engineering = UserFactory(username="engineering", display_name="工程部小王")
    engineering.groups.add(departments["engineering"].staff_group)
    forum = boards[Board.Kind.COMPLAINTS].forum

    # The member files a complaint in the complaints board.
    log_in(page, username="member1", password=TEST_PASSWORD)
    page.goto(reverse("forum_conversation:topic_create", args=[forum.slug, forum.pk]))
    page.fill("#id_subject", "卫生间漏水")
    page.fill("#id_content", "主卫地面一直漏水，楼下邻居的天花板已经湿了一大片，请尽快派人检修。")
    page.click("input[type=submit].btn-primary")
    page.wait_for_load_state()
    panel = page.locator("[data-testid=case-panel]")
    assert panel.locator("[data-testid=case-department]").inner_text() == "工程部"
    assert panel.locator("[data-testid=case-status]").inner_text() == "已分派"
    topic_url = page.url
    case = Case.objects.get(topic__subject="卫生间漏水")

    # The engineering user finds it in the department's queue, replies officially, resolves it.
    page.context.clear_cookies()
    log_in(page, username="engineering", password=TEST_PASSWORD)
    page.goto("/triage/")
    assert page.url.endswith("/triage/department/engineering/")
    page.click(f"[data-case='{case.pk}'] a")
    page.fill("[data-testid=case-reply-form] textarea", "您好，明天上午工程部师傅上门检查防水层。")
    page.click("[data-testid=case-reply-form] button[type=submit]")
    page.select_option("[data-testid=case-status-form] select", "resolved")
    page.click("[data-testid=case-status-form] button[type=submit]")
    assert page.locator("[data-testid=case-status]").inner_text() == "已解决"

    # The member sees the official reply and the resolution on the topic, and rates it.
    page.context.clear_cookies()
    log_in(page, username="member1", password=TEST_PASSWORD)
    page.goto(topic_url)
    assert page.locator("[data-testid=case-status]").inner_text() == "已解决"
    assert page.get_by_text("官方回复 · 工程部").first.is_visible()
    assert page.get_by_text("明天上午工程部师傅上门检查防水层").is_visible()
    page.check("[data-testid=case-rate-form] input[name=satisfaction][value='5']")
    page.fill("[data-testid=case-rate-form] textarea", "处理很及时，谢谢！")
    page.click("[data-testid=case-rate-form] button[type=submit]")
    page.goto(topic_url)
    assert page.locator("[data-testid=case-rating]").inner_text() == "5 / 5 · 处理很及时，谢谢！"
    case.refresh_from_db()
    assert (case.status, case.satisfaction) == (Case.Status.RESOLVED, 5)
