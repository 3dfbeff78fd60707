from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.cases.models import Case, Category
from forum.cases.services import case_confirm, case_open, case_status_change
from tests.conftest import make_topic
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(complaint_forum, member, departments):
    topic = make_topic(
        forum=complaint_forum,
        poster=member,
        subject="卫生间漏水",
        content="漏水严重，请联系我 13812345678 或 member1@example.com",
    )
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.suggestion_reasons = ["model v1: engineering 93% (漏水)"]
    case.save()
    return case


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def test_anonymous_visitors_are_sent_to_log_in(client, case):
    for url in ("/triage/", "/triage/reports/", f"/triage/case/{case.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_members_are_refused_the_queues_and_the_report(client, case, member):
    login(client, member)

    assert client.get("/triage/").status_code == 403
    assert client.get("/triage/reports/").status_code == 403
    assert client.get(f"/triage/case/{case.pk}/").status_code == 404
    assert client.get(f"/triage/case/{case.pk + 1000}/").status_code == 404
    assert client.get("/triage/department/engineering/").status_code == 403


def test_the_moderators_queue_shows_the_suggestion_with_personal_data_masked(
    client, case, moderator
):
    login(client, moderator)

    page = client.get("/triage/").content.decode()

    assert "卫生间漏水" in page
    assert "模型建议 工程部（置信度 93%，依据：漏水）" in page
    assert "待分派" in page
    assert "m***@example.com" in page
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "member1@example.com" not in page


def test_a_superuser_holds_the_permission_to_see_personal_data(client, case, staff_admin):
    login(client, staff_admin)

    page = client.get("/triage/").content.decode()

    assert "member1@example.com" in page


def test_the_overdue_filter_keeps_only_overdue_cases(client, case, moderator, complaint_forum):
    late = case_open(topic=make_topic(forum=complaint_forum, poster=moderator, subject="旧问题"))
    Case.objects.filter(pk=late.pk).update(first_response_due=timezone.now() - timedelta(hours=1))
    login(client, moderator)

    page = client.get("/triage/?due=overdue").content.decode()

    assert "旧问题" in page
    assert "卫生间漏水" not in page


def test_one_click_confirm_routes_the_case(client, case, moderator):
    login(client, moderator)

    response = client.post(
        reverse("cases:case_action", args=[case.pk, "confirm"]),
        {"version": case.version, "next": "/triage/"},
        follow=True,
    )

    case.refresh_from_db()
    assert case.department.code == "engineering"
    assert case.status == Case.Status.ASSIGNED
    assert "已确认建议" in response.content.decode()


def test_the_second_of_two_changes_on_the_same_version_gets_a_conflict_page(
    client, case, moderator, departments
):
    login(client, moderator)
    url = reverse("cases:case_action", args=[case.pk, "override"])
    seen = case.version

    first = client.post(url, {"version": seen, "department": departments["design"].pk})
    second = client.post(url, {"version": seen, "department": departments["property"].pk})

    case.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 409
    assert "其他人已修改了此工单" in second.content.decode()
    assert case.department.code == "design"


def test_bulk_assign_routes_every_selected_case(client, case, moderator, departments, member):
    other = case_open(topic=make_topic(forum=case.topic.forum, poster=member, subject="噪音"))
    login(client, moderator)

    client.post(
        "/triage/bulk-assign/",
        {"cases": [case.pk, other.pk], "department": departments["property"].pk},
    )

    assert set(
        Case.objects.filter(pk__in=[case.pk, other.pk]).values_list("department__code", "status")
    ) == {("property", "assigned")}


def test_department_staff_see_only_their_own_department(
    client, case, moderator, engineering_staff, design_staff
):
    case_confirm(case=case, by=moderator, version=case.version)

    login(client, engineering_staff)
    assert client.get("/triage/")["Location"] == "/triage/department/engineering/"
    assert "卫生间漏水" in client.get("/triage/department/engineering/").content.decode()
    assert client.get("/triage/department/design/").status_code == 403
    assert client.get("/triage/reports/").status_code == 403

    login(client, design_staff)
    assert client.get(f"/triage/case/{case.pk}/").status_code == 404
    assert "卫生间漏水" not in client.get("/triage/department/design/").content.decode()
    response = client.post(
        reverse("cases:case_action", args=[case.pk, "take"]), {"version": case.version}
    )
    assert response.status_code == 404


def test_department_staff_reply_officially_and_resolve(client, case, moderator, engineering_staff):
    case_confirm(case=case, by=moderator, version=case.version)
    login(client, engineering_staff)

    client.post(
        reverse("cases:case_action", args=[case.pk, "reply"]),
        {"version": case.version, "content": "明天上午师傅上门检修。"},
    )
    case.refresh_from_db()
    client.post(
        reverse("cases:case_action", args=[case.pk, "status"]),
        {"version": case.version, "status": "resolved", "note": "已修复"},
    )

    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert case.topic.posts.last().subject == "官方回复 · 工程部"
    assert case.topic.posts.last().content.raw == "明天上午师傅上门检修。"


def test_an_illegal_status_change_is_refused_with_a_message(client, case, moderator):
    login(client, moderator)

    response = client.post(
        reverse("cases:case_action", args=[case.pk, "status"]),
        {"version": case.version, "status": "resolved"},
        follow=True,
    )

    case.refresh_from_db()
    assert case.status == Case.Status.NEW
    assert "工单不能从“新建”变为“已解决”。" in response.content.decode()
    assert case.events.filter(kind="status").count() == 0


def test_the_member_sees_the_case_on_the_topic_and_rates_it(
    client, case, moderator, engineering_staff, member
):
    case_confirm(case=case, by=moderator, version=case.version)
    case_status_change(case=case, by=engineering_staff, version=case.version, status="resolved")
    topic = case.topic
    topic_url = reverse(
        "forum_conversation:topic",
        kwargs={"forum_slug": topic.forum.slug, "forum_pk": topic.forum_id,
                "slug": topic.slug, "pk": topic.pk},
    )  # fmt: skip
    login(client, member)

    page = client.get(topic_url).content.decode()
    assert "已解决" in page and "工程部" in page
    client.post(
        reverse("cases:case_rate", args=[case.pk]),
        {"satisfaction": 5, "comment": "很及时", "next": topic_url},
    )

    case.refresh_from_db()
    assert case.satisfaction == 5
    assert "5 / 5" in client.get(topic_url).content.decode()
    other = UserFactory(username="nosy")
    login(client, other)
    refused = client.post(reverse("cases:case_rate", args=[case.pk]), {"satisfaction": 1})
    assert refused.status_code == 404


def test_the_member_cases_selector_and_tag_list_only_the_members_own_cases(case, moderator):
    from django.template import Context, Template

    from forum.cases.selectors import case_list_for_member

    other = case_open(topic=make_topic(forum=case.topic.forum, poster=moderator, subject="别人的"))

    html = Template("{% load cases_tags %}{% member_cases member %}").render(
        Context({"member": case.topic.poster})
    )

    assert list(case_list_for_member(member=case.topic.poster)) == [case]
    assert "卫生间漏水" in html and "新建" in html
    assert other.topic.subject not in html


def test_a_moderator_opens_a_case_on_a_topic_outside_the_triage_boards(
    client, boards, member, moderator
):
    from forum.boards.models import Board

    topic = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="物业收费不透明"
    )
    login(client, member)
    assert client.post(f"/triage/open/{topic.pk}/", {"type": "complaint"}).status_code == 403

    login(client, moderator)
    response = client.post(f"/triage/open/{topic.pk}/", {"type": "complaint"})

    case = Case.objects.get(topic=topic)
    assert response["Location"] == f"/triage/case/{case.pk}/"
    assert case.type == Case.Type.COMPLAINT
    assert case.events.first().actor == moderator


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page = client.get(path).content.decode()
    return len(captured.captured_queries), page


@pytest.mark.parametrize("path", ["/triage/", "/triage/department/engineering/"])
def test_the_queues_run_the_same_number_of_queries_for_one_case_or_many(
    client, case, moderator, member, departments, project_a, path
):
    login(client, moderator)
    # The first request works out the reader's roles and keeps them (forum.reader_facts).
    client.get(path)
    engineering = departments["engineering"]

    def cases_opened(count, start):
        for index in range(start, start + count):
            opened = case_open(
                topic=make_topic(forum=case.topic.forum, poster=member, subject=f"问题{index}")
            )
            # Routed, suggested, categorised, owned, in a project: every lookup a row reads.
            opened.department = engineering
            opened.suggested_department = departments["design"]
            opened.suggestion_reasons = ["model v1: design 80% (设计)"]
            opened.category = Category.objects.order_by("pk")[index % 2]
            opened.suggested_category = Category.objects.order_by("pk")[1]
            opened.assignee = moderator
            opened.project = project_a
            opened.status = Case.Status.ASSIGNED
            opened.save()

    # After a change (the kept counts counted again) and then with nothing changed.
    cases_opened(1, 0)
    changed_one, page = _queries(client, path)
    unchanged_one, _page = _queries(client, path)
    assert "问题0" in page
    cases_opened(5, 1)
    changed_many, page = _queries(client, path)
    unchanged_many, _page = _queries(client, path)

    assert "问题5" in page
    assert changed_many == changed_one
    assert unchanged_many == unchanged_one
    # The queue's total and the header's count are kept while no case changes.
    assert unchanged_one == changed_one - 2


def _waiting_badge(page: str) -> str | None:
    """The number in the header's triage link (forum/cases/navigation.py), if any."""
    import re

    match = re.search(r'data-testid="nav-triage">[^<]*<span class="badge[^"]*"[^>]*>(\d+)<', page)
    return match.group(1) if match else None


def test_the_totals_follow_every_change_of_a_case(client, case, moderator, member):
    login(client, moderator)
    page = client.get("/triage/").content.decode()
    assert "1 个工单" in page and _waiting_badge(page) == "1"
    other = case_open(topic=make_topic(forum=case.topic.forum, poster=member, subject="又一个"))
    page = client.get("/triage/").content.decode()
    assert "2 个工单" in page and _waiting_badge(page) == "2"
    other.status = Case.Status.CLOSED
    other.save()
    page = client.get("/triage/").content.decode()
    assert "1 个工单" in page and _waiting_badge(page) == "1"
    case.delete()
    page = client.get("/triage/").content.decode()
    assert "0 个工单" in page and "没有符合条件的工单。" in page
    assert _waiting_badge(page) is None


def test_the_department_staffs_count_follows_the_routing(
    client, case, moderator, engineering_staff, departments
):
    login(client, engineering_staff)
    path = "/triage/department/engineering/"
    page = client.get(path).content.decode()
    assert _waiting_badge(page) is None and "卫生间漏水" not in page
    case_confirm(case=case, by=moderator, version=case.version)
    page = client.get(path).content.decode()
    assert _waiting_badge(page) == "1" and "卫生间漏水" in page
    # Routed elsewhere: gone from the count and the queue at once.
    case.refresh_from_db()
    case.department = departments["design"]
    case.save()
    page = client.get(path).content.decode()
    assert _waiting_badge(page) is None and "卫生间漏水" not in page


def test_the_kept_filter_form_follows_its_choices_and_the_chosen_values(
    client, case, moderator, departments, project_a
):
    from portal.members.services import housing_project_ensure

    login(client, moderator)
    page = client.get("/triage/").content.decode()
    assert f'<option value="{project_a.pk}">翠湖天地</option>' in page
    # A new project, a renamed department: in the filter's choices on the next request.
    added = housing_project_ensure(name="滨江壹号", slug="binjiang1", city="上海", phases=1)
    design = departments["design"]
    design.name = "规划设计部"
    design.save()
    page = client.get("/triage/").content.decode()
    assert f'<option value="{added.pk}">滨江壹号</option>' in page
    assert '<option value="design">规划设计部</option>' in page
    # The chosen values are selected, and only in the page that chose them.
    chosen = client.get("/triage/", {"project": added.pk, "department": "design"}).content
    assert f'<option value="{added.pk}" selected>滨江壹号</option>' in chosen.decode()
    assert '<option value="design" selected>规划设计部</option>' in chosen.decode()
    page = client.get("/triage/").content.decode()
    assert " selected>滨江壹号" not in page and f'<option value="{added.pk}">滨江壹号' in page
