"""Staff work together: internal notes with @mentions, owners, reply templates, suggestion
outcomes and follow-ups."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import strip_tags

from forum.boards.models import Board
from forum.boards.notifications import Notification
from forum.cases.models import CaseEvent, CaseFollowUp, ReplyTemplate
from forum.cases.services import (
    case_confirm,
    case_follow_up_done,
    case_note_add,
    case_open,
    case_outcome_set,
    case_owner_set,
    case_rate,
    case_reply_official,
    case_status_change,
    case_take,
)
from portal.members.models import Notice
from tests.conftest import make_topic, staff_of
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "内部备注：业主情绪激动，先别承诺赔偿"


@pytest.fixture
def case(complaint_forum, member, departments, moderator):
    topic = make_topic(forum=complaint_forum, poster=member, subject="外墙渗水", content="渗水")
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.save()
    case_confirm(case=case, by=moderator, version=case.version)
    return case


@pytest.fixture
def engineering_colleague(departments):
    return staff_of("engineering", "engineering2")


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def topic_url(case):
    topic = case.topic
    return reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum_id,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )


# --- internal notes ----------------------------------------------------------------------


def test_a_note_mentions_colleagues_of_the_case_only(
    case, engineering_staff, engineering_colleague, design_staff, moderator,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    body = f"@{engineering_colleague.username} @{design_staff.username} @{moderator.username} 看看"
    with django_capture_on_commit_callbacks(execute=True):
        note = case_note_add(case=case, by=engineering_staff, body=body)

    assert set(note.mentions.all()) == {engineering_colleague, moderator}
    mentioned = Notice.objects.filter(kind="case_mention")
    assert set(mentioned.values_list("recipient", flat=True)) == {
        engineering_colleague.pk,
        moderator.pk,
    }
    assert all("看看" not in n.title + n.body for n in mentioned)


def test_only_the_cases_staff_write_notes_and_bad_notes_are_refused(
    case, design_staff, member, owner_b, engineering_staff
):
    for wrong in (design_staff, member, owner_b):
        with pytest.raises(PermissionDenied):
            case_note_add(case=case, by=wrong, body="x")
    with pytest.raises(ValidationError):
        case_note_add(case=case, by=engineering_staff, body="   ")
    with pytest.raises(ValidationError):
        case_note_add(case=case, by=engineering_staff, body="长" * 2001)
    assert not case.notes.exists()


def test_notes_never_leak_to_the_topic_search_feeds_exports_or_notifications(
    client, case, engineering_staff, member, moderator, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from search.services import queue_process

    settings.ELASTICSEARCH_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        case_note_add(case=case, by=engineering_staff, body=f"{SECRET} @{moderator.username}")
        case_reply_official(
            case=case, by=engineering_staff, version=case.version, content="已安排维修"
        )
        case_status_change(
            case=case, by=engineering_staff, version=case.version, status="awaiting_member"
        )
    while queue_process()["processed"]:
        pass

    # The case page shows it to staff…
    login(client, engineering_staff)
    assert SECRET in client.get(f"/triage/case/{case.pk}/").content.decode()
    # …and nothing else does, to anyone.
    month = case.created_at.strftime("%Y-%m")
    for viewer in (member, moderator):
        login(client, viewer)
        pages = [
            client.get(topic_url(case)),
            client.get("/forum/feeds/topics/"),
        ]
        if viewer == moderator:
            pages += [
                client.get("/triage/reports/", {"month": month, "export": "csv"}),
                client.get("/triage/reports/", {"month": month}),
            ]
        for response in pages:
            assert "承诺赔偿" not in response.content.decode(errors="ignore")
        found = strip_tags(client.get("/search/", {"q": "承诺赔偿"}).content.decode())
        assert "外墙渗水" not in found
    xlsx = client.get("/triage/reports/", {"month": month, "export": "xlsx"}).content
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value]
    assert not any("承诺赔偿" in c for c in cells)
    assert not Notification.objects.filter(message__contains="承诺赔偿").exists()
    assert not Notice.objects.filter(title__contains="承诺赔偿").exists()
    assert not Notice.objects.filter(body__contains="承诺赔偿").exists()
    assert not any("承诺赔偿" in m.body or "承诺赔偿" in m.subject for m in mail.outbox)


# --- owners --------------------------------------------------------------------------------


def test_take_hand_over_and_assign_by_the_head(
    case, engineering_staff, engineering_colleague, design_staff, moderator, departments,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    case_take(case=case, by=engineering_staff, version=case.version)
    with pytest.raises(ValidationError):
        case_take(case=case, by=engineering_colleague, version=case.version)
    case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        case_owner_set(
            case=case, by=engineering_colleague, version=case.version, owner=engineering_colleague
        )
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        case_owner_set(case=case, by=engineering_staff, version=case.version, owner=design_staff)
    case.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        case_owner_set(
            case=case, by=engineering_staff, version=case.version, owner=engineering_colleague
        )
    case.refresh_from_db()
    assert case.assignee == engineering_colleague
    assert Notice.objects.filter(recipient=engineering_colleague, kind="case_owner").exists()
    assert case.events.filter(kind=CaseEvent.Kind.HANDED_OVER).count() == 1

    head = UserFactory(username="eng_head")
    departments["engineering"].heads.add(head)
    case_owner_set(case=case, by=head, version=case.version, owner=engineering_staff)
    case.refresh_from_db()
    assert case.assignee == engineering_staff
    departments["design"].heads.add(design_staff)
    with pytest.raises(PermissionDenied):
        case_owner_set(case=case, by=design_staff, version=case.version, owner=None)


def test_my_work_and_the_department_queue_show_unowned_cases_first(
    client, case, complaint_forum, member, moderator, engineering_staff, departments
):
    other = case_open(topic=make_topic(forum=complaint_forum, poster=member, subject="楼道灯坏了"))
    other.suggested_department = departments["engineering"]
    other.save()
    case_confirm(case=other, by=moderator, version=other.version)
    case_take(case=case, by=engineering_staff, version=case.version)
    login(client, engineering_staff)

    queue = client.get("/triage/department/engineering/").content.decode()
    assert queue.index("楼道灯坏了") < queue.index("外墙渗水")
    unowned = client.get("/triage/department/engineering/", {"owner": "none"}).content.decode()
    assert "楼道灯坏了" in unowned and "外墙渗水" not in unowned
    mine = client.get("/triage/department/engineering/", {"owner": "me"}).content.decode()
    assert "外墙渗水" in mine and "楼道灯坏了" not in mine
    my_work = client.get("/triage/mine/").content.decode()
    assert "外墙渗水" in my_work and "楼道灯坏了" not in my_work

    login(client, member)
    assert client.get("/triage/mine/").status_code == 403


def test_a_department_head_sees_the_department_queue(client, case, departments):
    head = UserFactory(username="eng_head")
    departments["engineering"].heads.add(head)
    login(client, head)

    assert "外墙渗水" in client.get("/triage/department/engineering/").content.decode()
    assert client.get("/triage/department/design/").status_code == 403


# --- reply templates -------------------------------------------------------------------------


def test_a_template_fills_the_reply_to_edit_before_sending(
    client, case, engineering_staff, departments, member
):
    ReplyTemplate.objects.create(
        department=departments["engineering"],
        name="已派单",
        body="{member}您好，工单{case}已派维修，{due}前完成。——{department} {不是占位符}",
    )
    ReplyTemplate.objects.create(department=departments["design"], name="设计部模板", body="x")
    login(client, engineering_staff)
    template = ReplyTemplate.objects.get(name="已派单")

    page = client.get(f"/triage/case/{case.pk}/", {"template": template.pk}).content.decode()

    assert "设计部模板" not in page
    text = strip_tags(page)
    assert f"{member.public_name}您好，工单#{case.pk}已派维修" in text
    assert "——工程部 {不是占位符}" in text
    client.post(
        f"/triage/case/{case.pk}/reply/",
        {"version": case.version, "content": "改过的回复：明天上午上门"},
    )
    assert case.official_replies.get().post.content.raw == "改过的回复：明天上午上门"


# --- suggestion outcomes ---------------------------------------------------------------------


def test_an_adopted_suggestion_tells_the_member_and_pays_points_once(
    client, boards, member, moderator, departments, django_capture_on_commit_callbacks
):
    from portal.members.models import PointsRule
    from portal.members.points import points_balances

    PointsRule.objects.update_or_create(
        code="suggestion_adopted",
        defaults={"name": "建议被采纳", "reward_points": 50, "upgrade_points": 20},
    )
    topic = make_topic(
        forum=boards[Board.Kind.SUGGESTIONS].forum, poster=member, subject="建议增设快递柜"
    )
    case = case_open(topic=topic)
    case_confirm_to = departments["property"]
    from forum.cases.services import case_override

    case_override(case=case, by=moderator, version=case.version, department=case_confirm_to)
    before = points_balances(member=member)

    with pytest.raises(ValidationError):
        case_outcome_set(
            case=case, by=moderator, version=case.version, outcome="adopted", reason=""
        )
    with django_capture_on_commit_callbacks(execute=True):
        case_outcome_set(
            case=case, by=moderator, version=case.version, outcome="adopted", reason="下月安装"
        )
    case_outcome_set(
        case=case, by=moderator, version=case.version, outcome="implemented", reason="已安装"
    )

    after = points_balances(member=member)
    assert after["reward"] == before["reward"] + 50
    assert Notice.objects.filter(recipient=member, kind="suggestion_outcome").exists()
    login(client, member)
    page = client.get(topic_url(case)).content.decode()
    assert "已实施" in page and "已安装" in page
    with pytest.raises(PermissionDenied):
        case_outcome_set(
            case=case, by=staff_of("design", "design"), version=case.version,
            outcome="declined", reason="x",
        )  # fmt: skip


# --- follow-ups ---------------------------------------------------------------------------


def test_follow_ups_are_recorded_by_the_service_desk_and_counted_in_the_report(
    client, case, engineering_staff, member, moderator
):
    from forum.cases.reports import report_build

    case_status_change(case=case, by=engineering_staff, version=case.version, status="resolved")
    case_rate(case=case, by=member, satisfaction=1, comment="没修好")
    kinds = set(case.follow_ups.values_list("kind", flat=True))
    assert kinds == {CaseFollowUp.Kind.CALLBACK, CaseFollowUp.Kind.LOW_RATING}
    callback = case.follow_ups.get(kind=CaseFollowUp.Kind.CALLBACK)

    for wrong in (member, engineering_staff):
        login(client, wrong)
        assert client.get("/triage/follow-ups/").status_code == 403
        client.post(f"/triage/follow-ups/{callback.pk}/done/", {"result": "satisfied"})
    callback.refresh_from_db()
    assert callback.done_at is None

    login(client, moderator)
    assert "外墙渗水" in client.get("/triage/follow-ups/").content.decode()
    client.post(f"/triage/follow-ups/{callback.pk}/done/", {"result": "bogus"})
    callback.refresh_from_db()
    assert callback.done_at is None
    client.post(
        f"/triage/follow-ups/{callback.pk}/done/", {"result": "satisfied", "note": "已上门确认"}
    )
    callback.refresh_from_db()
    assert (callback.result, callback.done_by) == ("satisfied", moderator)
    with pytest.raises(ValidationError):
        case_follow_up_done(follow_up=callback, by=moderator, result="satisfied")

    now = callback.done_at
    report = report_build(year=now.year, month=now.month)
    assert report.follow_ups_done == 1
    assert "回访" in client.get("/triage/reports/").content.decode()


def test_a_department_head_reads_the_report_of_their_department_only(
    client, case, complaint_forum, member, moderator, departments
):
    other = case_open(topic=make_topic(forum=complaint_forum, poster=member, subject="设计问题"))
    from forum.cases.services import case_override

    case_override(case=other, by=moderator, version=other.version, department=departments["design"])
    head = UserFactory(username="eng_head")
    departments["engineering"].heads.add(head)
    month = case.created_at.strftime("%Y-%m")

    login(client, head)
    page = client.get("/triage/reports/", {"month": month}).content.decode()
    assert 'data-testid="report-department">工程部' in page
    csv = client.get("/triage/reports/", {"month": month, "export": "csv"}).content.decode()
    assert "工程部" in csv and "设计部" not in csv

    login(client, UserFactory(username="plain"))
    assert client.get("/triage/reports/").status_code == 403


def test_two_staff_setting_the_owner_at_once_get_the_conflict_page(
    client, case, engineering_staff, engineering_colleague, moderator
):
    seen = case.version
    case_take(case=case, by=engineering_staff, version=case.version)
    login(client, moderator)

    response = client.post(
        f"/triage/case/{case.pk}/owner/", {"version": seen, "owner": engineering_colleague.pk}
    )

    assert response.status_code == 409
    assert 'data-testid="case-conflict"' in response.content.decode()
    case.refresh_from_db()
    assert case.assignee == engineering_staff
