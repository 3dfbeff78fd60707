"""The refresh over the database: what it reads, how it groups, what it stores."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from machina.apps.forum_conversation.models import Post

from forum.boards.models import TopicVisibility
from forum.cases.models import Case, CaseNote
from forum.insight.models import InsightRun, RecurringIssue
from forum.insight.services import monthly_figures_refresh, recurring_issues_refresh
from tests.insight.conftest import post, post_ids

pytestmark = pytest.mark.django_db


def issue_with(topics) -> RecurringIssue:
    wanted = post_ids(topics)
    return max(
        RecurringIssue.objects.filter(run=InsightRun.objects.first()),
        key=lambda issue: len(wanted & set(issue.post_ids)),
    )


def test_posts_about_one_defect_in_one_project_make_one_issue(feedback, project_a, project_b):
    run = recurring_issues_refresh(days=90)

    garage = issue_with(feedback["garage"])
    lift = issue_with(feedback["lift"])
    garage_b = issue_with(feedback["garage_b"])
    assert run.issues == RecurringIssue.objects.filter(run=run).count() >= 3
    assert set(garage.post_ids) == post_ids(feedback["garage"])
    assert garage.project == project_a and garage_b.project == project_b
    assert garage.pk != garage_b.pk != lift.pk
    assert set(lift.post_ids) <= post_ids(feedback["lift"])
    assert "顶板" in garage.name and "车库" in garage.name
    # Four of its six topics are complaints routed to engineering.
    assert garage.department.code == "engineering"
    assert (garage.case_count, garage.topic_count, garage.case_share) == (4, 6, 0.667)
    assert garage.trend == RecurringIssue.Trend.NEW and garage.recent_count == 6
    assert sum(garage.weekly_counts) == 6


def test_staff_notes_unreadable_boards_staff_only_and_unapproved_posts_feed_nothing(
    feedback, staff_forum, boards, departments
):
    from forum.boards.models import Board

    secret = "机房配电柜闭门器损坏"
    hidden = [post(forum=staff_forum, subject=f"{secret}，第{n}次") for n in range(4)]
    staff_only = []
    for n in range(4):
        topic = post(forum=boards[Board.Kind.MUTUAL_HELP].forum, subject=f"{secret}，{n}楼")
        TopicVisibility.objects.create(topic=topic, staff_only=True)
        staff_only.append(topic)
    unapproved = [post(forum=boards[Board.Kind.MUTUAL_HELP].forum, subject=secret + "!")
                  for _n in range(3)]  # fmt: skip
    Post.objects.filter(topic__in=unapproved).update(approved=False)
    case = Case.objects.filter(topic__in=feedback["garage"]).first()
    for n in range(5):
        CaseNote.objects.create(case=case, body=f"{secret}，内部备注{n}")

    recurring_issues_refresh(days=90)

    fed = {pk for issue in RecurringIssue.objects.all() for pk in issue.post_ids}
    assert not fed & post_ids(hidden + staff_only + unapproved)
    for issue in RecurringIssue.objects.all():
        assert "闭门器" not in issue.name and "配电柜" not in issue.name
        assert "闭门器" not in "".join(issue.terms)


def test_old_posts_fall_out_of_the_window_and_movement_is_measured(feedback):
    first = recurring_issues_refresh(days=90, now=timezone.now() + timedelta(days=1))
    InsightRun.objects.filter(pk=first.pk).update(window_end=timezone.now() - timedelta(days=30))
    second = recurring_issues_refresh(days=90, now=timezone.now() + timedelta(days=1))
    later = recurring_issues_refresh(days=10, now=timezone.now() + timedelta(days=20))

    assert later.posts == 0 and later.issues == 0
    moved = RecurringIssue.objects.filter(run=second, previous_month_count__isnull=False)
    assert moved.exists() and all(issue.movement == 0 for issue in moved)


def test_the_command_prints_its_figures(feedback, capsys):
    call_command("insight_refresh", "--days", "90", verbosity=0)

    out = capsys.readouterr().out
    assert out.startswith("posts=") and "issues=" in out


def test_monthly_figures_count_cases_per_department_and_project(feedback, project_a):
    from forum.insight.models import MonthlyFigure

    monthly_figures_refresh()

    month = timezone.localdate().replace(day=1)
    every = MonthlyFigure.objects.get(scope="all", month=month)
    engineering = MonthlyFigure.objects.get(scope="department", month=month)
    heat = MonthlyFigure.objects.get(scope="project_category", month=month, project=project_a)
    assert every.cases == engineering.cases == heat.cases == 4
