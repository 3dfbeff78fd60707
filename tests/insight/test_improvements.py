"""The improvement list: promote, move, notify, pay, show; and who may do it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forum.boards.models import Notification
from forum.insight.errors import InvalidImprovementMove
from forum.insight.models import ImprovementItem, RecurringIssue
from forum.insight.services import improvement_create, improvement_move, recurring_issues_refresh
from tests.conftest import make_owner
from tests.factories import UserFactory
from tests.forum.conftest import topic_url
from tests.insight.conftest import post_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def garage_issue(feedback):
    recurring_issues_refresh(days=90)
    wanted = post_ids(feedback["garage"])
    return max(RecurringIssue.objects.all(), key=lambda i: len(wanted & set(i.post_ids)))


@pytest.fixture
def adopted_rule(db):
    from portal.members.models import PointsRule

    PointsRule.objects.update_or_create(
        code="suggestion_adopted",
        defaults={"name": "建议被采纳", "reward_points": 50, "upgrade_points": 20},
    )


def notified(topics, text) -> set:
    posters = {t.poster_id for t in topics}
    return set(
        Notification.objects.filter(recipient_id__in=posters, message__contains=text).values_list(
            "recipient_id", flat=True
        )
    )


def test_promote_adopt_implement_notify_the_linked_members_and_pay_once(
    feedback, garage_issue, moderator, engineering_staff, departments, adopted_rule,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from portal.members.points import points_balances

    members = {t.poster for t in feedback["garage"]}
    with django_capture_on_commit_callbacks(execute=True):
        item = improvement_create(
            by=moderator,
            title="地库顶板防水返修",
            department=departments["engineering"],
            reason="60天内6个帖子",
            issue=garage_issue,
        )
    assert notified(feedback["garage"], "改进清单") == {m.pk for m in members}
    assert item.project == garage_issue.project and item.topics.count() == 6

    before = {m.pk: points_balances(member=m)["reward"] for m in members}
    with django_capture_on_commit_callbacks(execute=True):
        improvement_move(item=item, by=engineering_staff, status="adopted", reason="纳入维修计划")
    assert notified(feedback["garage"], "已被工程部采纳") == {m.pk for m in members}
    with django_capture_on_commit_callbacks(execute=True):
        improvement_move(item=item, by=engineering_staff, status="implemented", reason="已返修")
    assert notified(feedback["garage"], "落实") == {m.pk for m in members}

    for member in members:
        assert points_balances(member=member)["reward"] == before[member.pk] + 50
    item.refresh_from_db()
    assert item.status == "implemented"
    assert list(item.events.values_list("to_status", flat=True)) == [
        "proposed", "adopted", "implemented"]  # fmt: skip


def test_moves_follow_the_pipeline_and_need_a_reason(
    feedback, garage_issue, moderator, departments
):
    item = improvement_create(
        by=moderator, title="x", department=departments["engineering"], reason="r",
        issue=garage_issue,
    )  # fmt: skip

    with pytest.raises(InvalidImprovementMove):
        improvement_move(item=item, by=moderator, status="implemented", reason="跳过")
    with pytest.raises(ValidationError):
        improvement_move(item=item, by=moderator, status="evaluating", reason=" ")
    improvement_move(item=item, by=moderator, status="evaluating", reason="评估")
    improvement_move(item=item, by=moderator, status="declined", reason="成本过高")
    assert ImprovementItem.objects.get().status == "declined"


def test_only_moderators_promote_and_only_the_owning_department_moves(
    feedback, garage_issue, moderator, engineering_staff, design_staff, member, departments
):
    with pytest.raises(PermissionDenied):
        improvement_create(
            by=engineering_staff, title="x", department=departments["engineering"], reason="r"
        )
    item = improvement_create(
        by=moderator, title="x", department=departments["engineering"], reason="r"
    )
    for wrong in (design_staff, member):
        with pytest.raises(PermissionDenied):
            improvement_move(item=item, by=wrong, status="evaluating", reason="r")


def test_pages_refuse_the_wrong_people(
    client, feedback, garage_issue, moderator, engineering_staff, design_staff, member,
    departments, project_b, staff_admin,
):  # fmt: skip
    item = improvement_create(
        by=moderator, title="地库顶板防水返修", department=departments["engineering"], reason="r",
        issue=garage_issue,
    )  # fmt: skip
    other_owner = make_owner(project=project_b, username="owner_other", by=staff_admin)
    urls = [
        "/triage/improvements/",
        f"/triage/improvements/{item.pk}/",
        "/triage/improvements/new/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for wrong in (member, other_owner, design_staff):
        client.force_login(wrong)
        assert client.get(f"/triage/improvements/{item.pk}/").status_code == 403
        assert client.get("/triage/improvements/new/").status_code == 403
        response = client.post(
            f"/triage/improvements/{item.pk}/move/", {"status": "evaluating", "reason": "r"}
        )
        assert response.status_code == 403
    assert client.get("/triage/improvements/").status_code in (200, 403)
    client.force_login(member)
    assert client.get("/triage/improvements/").status_code == 403

    client.force_login(design_staff)
    assert "地库顶板防水返修" not in client.get("/triage/improvements/").content.decode()
    client.force_login(engineering_staff)
    page = client.get("/triage/improvements/").content.decode()
    assert "地库顶板防水返修" in page
    response = client.post(
        f"/triage/improvements/{item.pk}/move/", {"status": "evaluating", "reason": "评估中"}
    )
    assert response.status_code == 302
    assert ImprovementItem.objects.get().status == "evaluating"


def test_a_moderator_promotes_from_the_form_and_the_member_sees_it_adopted(
    client, feedback, garage_issue, moderator, departments
):
    client.force_login(moderator)
    form = client.get(f"/triage/improvements/new/?issue={garage_issue.pk}").content.decode()
    assert garage_issue.name in form
    response = client.post(
        "/triage/improvements/new/",
        {
            "title": "地库顶板防水做法",
            "department": departments["design"].pk,
            "reason": "多个项目反复出现",
            "issue": garage_issue.pk,
        },
    )
    item = ImprovementItem.objects.get()
    assert response["Location"] == f"/triage/improvements/{item.pk}/"
    client.post(f"/triage/improvements/{item.pk}/move/", {"status": "adopted", "reason": "采纳"})

    author = feedback["garage"][0].poster
    client.force_login(author)
    mine = client.get("/me/improvements/").content.decode()
    topic_page = client.get(topic_url(feedback["garage"][0])).content.decode()
    assert "地库顶板防水做法" in mine and 'data-testid="my-improvement-status">已采纳' in mine
    assert 'data-testid="topic-improvement"' in topic_page and "地库顶板防水做法" in topic_page
    stranger = UserFactory(username="stranger")
    client.force_login(stranger)
    assert "地库顶板防水做法" not in client.get("/me/improvements/").content.decode()
