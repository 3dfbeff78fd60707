"""Staff find their work: the header and the personal center link each role to its pages, from
the permissions the user really has, with what waits for them (issue #14)."""

import re

import pytest
from django.contrib.auth.models import Group

from cms.models import HomePage, NewsIndexPage
from forum.boards.models import Board
from forum.cases.models import Case, Department
from portal.members.models import RedemptionItem, RedemptionRequest
from tests.cms.conftest import make_article, publish_child
from tests.conftest import make_topic, staff_of
from tests.factories import UnitOwnershipFactory, UserFactory
from tests.portal.conftest import staff_with

NAV = re.compile(r'data-testid="nav-(\w+)"[^>]*>[^<]*(?:<span[^>]*>(\d+)</span>)?')


def header_links(client, user=None) -> dict[str, int]:
    """{key: number waiting} of the staff links in the header (of the personal center for
    ``user``, of the forum for whoever is logged in, if anyone)."""
    if user is not None:
        client.force_login(user)
    response = client.get("/me/" if user is not None else "/forum/")
    assert response.status_code == 200
    return {key: int(count or 0) for key, count in NAV.findall(response.content.decode())}


@pytest.fixture
def cases(boards, member):
    """Three open cases: one waiting for triage, two routed (engineering, property), and a
    resolved engineering case that waits for no one."""
    forum = boards[Board.Kind.COMPLAINTS].forum
    made = {}
    for subject, code, status in [
        ("新工单", None, Case.Status.NEW),
        ("外墙渗水", "engineering", Case.Status.ASSIGNED),
        ("垃圾清运", "property", Case.Status.IN_PROGRESS),
        ("已修好的门", "engineering", Case.Status.RESOLVED),
    ]:
        topic = make_topic(forum=forum, poster=member, subject=subject)
        department = Department.objects.get(code=code) if code else None
        made[subject] = Case.objects.create(topic=topic, department=department, status=status)
    return made


def test_visitors_and_members_see_no_staff_links(client, member, cases):
    assert header_links(client) == {}
    assert header_links(client, member) == {}


def test_moderators_see_the_cases_waiting_for_triage(client, moderator, cases):
    links = header_links(client, moderator)

    assert links == {"triage": 1, "improvements": 0}
    assert 'data-testid="me-work-triage"' in client.get("/me/").content.decode()


def test_department_staff_count_only_their_departments_open_cases(client, cases):
    engineering = staff_of("engineering")
    design = staff_of("design")

    assert header_links(client, engineering) == {"triage": 1, "improvements": 0}
    # Design has no open case: the link is there (they work in the queue), nothing waits.
    assert header_links(client, design) == {"triage": 0, "improvements": 0}


def test_approvers_see_pages_awaiting_their_review_and_editors_reach_the_cms(client, db):
    news_index = publish_child(HomePage.objects.get(), NewsIndexPage(title="新闻", slug="news"))
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    approver = UserFactory(username="approver")
    approver.groups.add(Group.objects.get(name="Approvers"))
    assert header_links(client, approver) == {"cms": 0}

    article = make_article(news_index, slug="nav-draft", title="待审稿件")
    article.title = "待审稿件（修改）"
    article.save_revision(user=editor)
    article.get_workflow().start(article, editor)

    assert header_links(client, approver) == {"cms": 1}
    assert header_links(client, editor) == {"cms": 0}


def test_member_service_staff_see_claims_and_redemptions_to_decide(client, member, project_a):
    UnitOwnershipFactory(member=member, project=project_a)  # a claim waiting for verification
    item = RedemptionItem.objects.create(name="电影票", points_cost=0, stock=5)
    RedemptionRequest.objects.create(member=member, item=item, points_cost=0)
    desk = staff_with(
        "view_memberprofile", "verify_unitownership", "change_redemptionrequest", username="desk"
    )
    claims_only = staff_with("verify_unitownership", username="claims")
    records_only = staff_with("view_memberprofile", username="records")

    assert header_links(client, desk) == {"members": 2}
    client.logout()
    assert header_links(client, records_only) == {"members": 0}
    # Without the member list, the link leads to the page they may open.
    assert header_links(client, claims_only) == {"members": 1}
    assert (
        'href="/members/claims/" data-testid="nav-members"'
        in client.get("/forum/").content.decode()
    )


def test_moderators_and_department_staff_reach_the_improvement_list_and_members_do_not(
    client, member, moderator
):
    engineering = staff_of("engineering")
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))

    for user in (moderator, engineering):
        client.force_login(user)
        page = client.get("/me/").content.decode()
        assert 'href="/triage/improvements/" data-testid="nav-improvements"' in page
        assert 'data-testid="me-work-improvements"' in page
        assert client.get("/triage/improvements/").status_code == 200
    for user in (member, editor):
        client.force_login(user)
        assert "nav-improvements" not in client.get("/me/").content.decode()
        assert client.get("/triage/improvements/").status_code == 403
