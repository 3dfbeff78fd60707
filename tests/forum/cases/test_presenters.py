"""Routing reasons, case history and deadlines in the words a moderator reads (issue #14)."""

import pytest
from django.urls import reverse
from django.utils import translation

from forum.cases.models import Case, CaseEvent
from forum.cases.presenters import department_namer, event_text, reason_text
from forum.cases.services import case_confirm, case_open
from tests.conftest import make_topic
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(complaint_forum, member, departments):
    topic = make_topic(forum=complaint_forum, poster=member, subject="儿童游乐区", content="建议")
    case = case_open(topic=topic)
    case.suggested_department = departments["design"]
    case.suggestion_reasons = ["model v1: design 96% (建议, 增加, 儿童)"]
    case.save()
    return case


def words(reason: str) -> str:
    with translation.override("zh-hans"):
        return reason_text(reason, department_name=department_namer())


def test_a_rule_reason_names_the_rule_and_the_words_it_matched():
    assert words("rule: 渗漏水 (漏水)") == "规则「渗漏水」命中“漏水”"


def test_a_model_reason_names_the_department_its_confidence_and_the_words(departments):
    assert (
        words("model v1: design 96% (建议, 增加, 儿童)")
        == "模型建议 设计部（置信度 96%，依据：建议、增加、儿童）"
    )
    assert words("model v3: engineering 61%") == "模型建议 工程部（置信度 61%）"


def test_no_suggestion_is_said_in_plain_chinese():
    assert words("no rule, no model") == "没有命中的规则，也没有训练好的模型：请人工选择部门"


def test_english_readers_get_english(departments):
    with translation.override("en"):
        text = reason_text("rule: 渗漏水 (漏水)", department_name=department_namer())
    assert text == "Rule “渗漏水” matched “漏水”"


def test_a_status_event_shows_the_labels_of_both_statuses(case, moderator):
    event = CaseEvent(
        case=case,
        kind=CaseEvent.Kind.STATUS,
        from_status="new",
        to_status="assigned",
        note="rule: 渗漏水 (漏水)",
    )

    with translation.override("zh-hans"):
        text = event_text(event, department_name=department_namer())

    assert text == "状态变更：新建 → 已分派 — 规则「渗漏水」命中“漏水”"


def test_the_queue_shows_reasons_in_words_and_names_the_first_response_deadline(
    client, case, moderator
):
    assert client.login(username=moderator.username, password=TEST_PASSWORD)

    page = client.get("/triage/").content.decode()

    assert "模型建议 设计部（置信度 96%，依据：建议、增加、儿童）" in page
    assert "model v1" not in page
    assert "首次响应期限" in page


def test_the_case_page_history_uses_status_labels_under_its_own_heading(client, case, moderator):
    case_confirm(case=case, by=moderator, version=case.version)
    assert client.login(username=moderator.username, password=TEST_PASSWORD)

    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()

    history = page[page.index('data-testid="case-events"') :]
    history = history[: history.index("</ol>")]
    assert "新建 → 已分派" in history
    assert "new → assigned" not in history
    assert "处理记录" in page
    assert "积分明细" not in page
    assert "模型建议 设计部" in page
    assert "model v1:" not in page


def test_the_topic_names_both_deadlines_until_the_first_answer(client, case, member):
    assert client.login(username=member.username, password=TEST_PASSWORD)
    topic = case.topic
    url = reverse(
        "forum_conversation:topic",
        args=[topic.forum.slug, topic.forum_id, topic.slug, topic.pk],
    )

    page = client.get(url).content.decode()
    assert "首次响应期限" in page
    assert "解决期限" in page

    Case.objects.filter(pk=case.pk).update(first_response_at=case.created_at)
    page = client.get(url).content.decode()
    assert "首次响应期限" not in page
    assert "解决期限" in page
