"""Issue #15's walk: a structured complaint with a photo → the department's owner answers from a
template → the member says 仍未解决 → the department resolves → the member confirms and rates by
the mail link; and a phone call logged by the service desk reaches the department."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from forum.boards.models import Board
from forum.cases.models import Case, ReplyTemplate
from portal.members.selectors import member_profile_for
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

# A 1×1 PNG: the photo the member attaches.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_a_complaint_closed_with_the_member_and_a_phone_call_reaching_the_department(
    page, boards, member, moderator, routing_model, departments
):
    engineering = UserFactory(username="engineering", display_name="工程部小王")
    engineering.groups.add(departments["engineering"].staff_group)
    ReplyTemplate.objects.create(
        department=departments["engineering"],
        name="安排上门",
        body="{member}您好，工单{case}已安排师傅上门，{due}前处理完毕。——{department}",
    )
    forum = boards[Board.Kind.COMPLAINTS].forum

    # The member files a structured complaint with a photo.
    log_in(page, username="member1", password=TEST_PASSWORD)
    page.goto(reverse("forum_conversation:topic_create", args=[forum.slug, forum.pk]))
    page.fill("#id_subject", "卫生间漏水")
    page.fill("#id_content", "主卫地面一直漏水，楼下邻居的天花板已经湿了一大片，请尽快派人检修。")
    page.select_option("#id_case_contact_way", "phone")
    page.fill("#id_case_visit_time", "周六上午")
    page.click("a[href='#attachments']")
    page.set_input_files(
        "input[name='attachment-0-file']",
        files=[{"name": "leak.png", "mimeType": "image/png", "buffer": PNG}],
    )
    page.click("input[type=submit].btn-primary")
    page.wait_for_load_state()
    panel = page.locator("[data-testid=case-panel]")
    assert panel.locator("[data-testid=case-department]").inner_text() == "工程部"
    topic_url = page.url
    case = Case.objects.get(topic__subject="卫生间漏水")
    assert (case.contact_way, case.visit_time) == ("phone", "周六上午")
    assert case.topic.first_post.attachments.count() == 1

    # The department's staff takes it and answers from the template, edited before sending.
    page.context.clear_cookies()
    log_in(page, username="engineering", password=TEST_PASSWORD)
    page.goto(f"/triage/case/{case.pk}/")
    page.click("[data-testid=case-take]")
    page.click("[data-testid=reply-template-insert]")
    reply = page.locator("[data-testid=case-reply-form] textarea")
    assert f"热心会员您好，工单#{case.pk}已安排师傅上门" in reply.input_value()
    reply.fill(reply.input_value() + " 请留人在家。")
    page.click("[data-testid=case-reply-form] button[type=submit]")
    page.select_option("[data-testid=case-status-form] select", "awaiting_member")
    page.click("[data-testid=case-status-form] button[type=submit]")
    assert page.locator("[data-testid=case-status]").inner_text() == "待会员确认"

    # The member says it is still not solved.
    page.context.clear_cookies()
    log_in(page, username="member1", password=TEST_PASSWORD)
    page.goto(topic_url)
    assert page.get_by_text("请留人在家。").is_visible()
    page.fill("[data-testid=case-member-actions] textarea[name=reason]", "师傅来过了，还是漏")
    page.click("[data-testid=case-reopen]")
    assert page.locator("[data-testid=case-status]").inner_text() == "处理中"

    # The department resolves it again; the member confirms on /me/cases/.
    page.context.clear_cookies()
    log_in(page, username="engineering", password=TEST_PASSWORD)
    page.goto(f"/triage/case/{case.pk}/")
    page.select_option("[data-testid=case-status-form] select", "awaiting_member")
    page.click("[data-testid=case-status-form] button[type=submit]")
    page.context.clear_cookies()
    log_in(page, username="member1", password=TEST_PASSWORD)
    mail.outbox.clear()
    page.goto("/me/cases/")
    page.click("[data-testid=case-confirm]")
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED

    # The member rates by the mail link, logged out.
    body = next(m.body for m in mail.outbox if m.to == [member.email] and "/rate/" in m.body)
    link = re.search(r"https?://\S+/me/cases/rate/\S+/", body).group(0)
    page.context.clear_cookies()
    page.goto(link.split("8000", 1)[-1] if "127.0.0.1:8000" in link else link)
    page.check("[data-testid=rate-link-form] input[name=satisfaction][value='4']")
    page.fill("[data-testid=rate-link-form] textarea", "第二次修好了")
    page.click("[data-testid=rate-link-submit]")
    assert page.locator("[data-testid=rate-link-done]").is_visible()
    case.refresh_from_db()
    assert (case.satisfaction, case.satisfaction_comment) == (4, "第二次修好了")

    # A phone call logged by the service desk reaches the department.
    profile = member_profile_for(user=member)
    profile.mobile = "13912345678"
    profile.save()
    log_in(page, username=moderator.username, password=TEST_PASSWORD)
    page.goto("/triage/desk/")
    page.fill("[data-testid=desk-lookup-form] input[name=q]", "13912345678")
    page.click("[data-testid=desk-lookup-submit]")
    assert page.locator("[data-testid=desk-mobile]").inner_text() == "139****5678"
    page.click("[data-testid=desk-result] a")
    page.select_option("#id_channel", "phone")
    page.fill("#id_subject", "来电：厨房水管漏水")
    page.fill("#id_content", "业主来电：卫生间地面一直漏水，楼下邻居的天花板湿了，请尽快派人检修。")
    page.click("[data-testid=desk-case-submit]")
    call = Case.objects.get(topic__subject="来电：厨房水管漏水")
    assert (call.member, call.channel) == (member, "phone")
    page.context.clear_cookies()
    log_in(page, username="engineering", password=TEST_PASSWORD)
    page.goto("/triage/department/engineering/")
    assert page.locator(f"[data-case='{call.pk}']").is_visible()
