"""The report page's recurring issues and the monthly mail."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from machina.apps.forum_conversation.models import Post

from forum.insight.models import ReportMailing, ReportSubscription
from forum.insight.services import monthly_figures_refresh, recurring_issues_refresh
from forum.insight.tasks import monthly_report_queue
from forum.permissions import ClubPermissionHandler
from forum.visibility import can_see_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(feedback):
    recurring_issues_refresh(days=90)
    monthly_figures_refresh()
    return feedback


def test_the_report_shows_recurring_issues_to_moderators(client, refreshed, moderator):
    client.force_login(moderator)
    page = client.get("/triage/reports/").content.decode()

    assert page.count('data-testid="recurring-issue"') >= 3
    assert 'data-testid="recurring-issue-name">地下车库顶板' in page
    assert 'data-testid="heat-map"' in page and "<polyline" in page
    assert 'data-testid="recurring-issue-promote"' in page


def test_department_heads_see_their_departments_issues_and_only_posts_they_may_read(
    client, refreshed, engineering_head, departments
):
    from forum.insight.report_panel import report_context

    client.force_login(engineering_head)
    page = client.get("/triage/reports/").content.decode()
    context = report_context(user=engineering_head, permission_handler=ClubPermissionHandler())

    issues = [row["issue"] for row in context["recurring_rows"]]
    assert issues and all(i.department_id == departments["engineering"].pk for i in issues)
    assert "电梯" not in "".join(i.name for i in issues)
    handler = ClubPermissionHandler()
    for row in context["recurring_rows"]:
        for example in row["examples"]:
            assert can_see_post(user=engineering_head, post=example, permission_handler=handler)
    assert 'data-testid="recurring-issue"' in page
    assert 'data-testid="recurring-issue-promote"' not in page


def test_the_reports_examples_come_from_one_query_whatever_the_number_of_issues(
    refreshed, moderator
):
    from forum.insight.report_panel import report_context

    with CaptureQueriesContext(connection) as captured:
        context = report_context(user=moderator, permission_handler=ClubPermissionHandler())

    rows = context["recurring_rows"]
    assert len([row for row in rows if row["examples"]]) >= 3
    post_queries = [
        q for q in captured.captured_queries if 'FROM "forum_conversation_post"' in q["sql"]
    ]
    assert len(post_queries) == 1


def test_examples_read_together_follow_the_same_rule_as_one_by_one(refreshed, engineering_head):
    from forum.insight import selectors

    lists = [issue.example_post_ids for issue in selectors.current_run().recurring_issues.all()]
    handler = ClubPermissionHandler()

    together = selectors.visible_posts_each(
        user=engineering_head, post_id_lists=lists, permission_handler=handler
    )

    one_by_one = [
        selectors.visible_posts(user=engineering_head, post_ids=ids, permission_handler=handler)
        for ids in lists
    ]
    assert together == one_by_one
    shown = {post.pk for posts in together for post in posts}
    refused = {pk for ids in lists for pk in ids[:3]} - shown
    assert shown and refused  # the head reads no owners' board: those examples stay out
    for post in Post.objects.filter(pk__in=refused).select_related("topic__forum"):
        assert not can_see_post(user=engineering_head, post=post, permission_handler=handler)


def test_the_monthly_mail_goes_once_per_subscriber_and_month(refreshed, moderator, member):
    moderator.email = "mod@example.com"
    moderator.save()
    ReportSubscription.objects.create(user=moderator)
    ReportSubscription.objects.create(user=member)  # not staff: never mailed
    UserFactory(username="quiet", email="q@example.com")

    first = monthly_report_queue(month="2026-11")
    second = monthly_report_queue(month="2026-11")
    december = monthly_report_queue(month="2026-12")

    assert (first["queued"], second["queued"], december["queued"]) == (1, 0, 1)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == ["mod@example.com"] and "2026-11" in message.subject
    html = message.alternatives[0][0]
    assert "<svg" in html and "地下车库顶板" in html
    assert message.attachments[0][0] == "report-2026-11.xlsx"
    assert ReportMailing.objects.filter(user=moderator).count() == 2


def test_subscribing_from_the_report_page(client, refreshed, moderator, member):
    client.force_login(member)
    assert client.post("/triage/reports/subscription/", {"monthly_mail": "1"}).status_code == 403
    client.force_login(moderator)
    client.post("/triage/reports/subscription/", {"monthly_mail": "1"})
    assert ReportSubscription.objects.get(user=moderator).monthly_mail
