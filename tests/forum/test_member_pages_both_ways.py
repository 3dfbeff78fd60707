"""Members' pages give the same HTML with what is kept between requests switched off and on.

Kept: machina's permission answers (FORUM_PERMISSION_CACHE), the readable boards within a
request, the authors' visible post counts per kind of reader (FORUM_AUTHOR_COUNTS_CACHE), the
queues read over sorted case ids, the queues' rendered rows (FORUM_QUEUE_ROWS_CACHE) and totals
(FORUM_QUEUE_COUNTS_CACHE), the
personal center overview's card and units per member (MEMBER_OVERVIEW_CACHE), the board
page's total of topics per kind of reader (FORUM_BOARD_TOTALS_CACHE), the board page's topic
rows (FORUM_TOPIC_ROWS_CACHE). Each page is
rendered for each kind of reader afresh (all off, empty cache), then with all on from an empty
cache (cold) and again (warm); the pages may differ only in their CSRF tokens. Then: a change
shows on the next request, and what one reader fills in is never what another reader with
other rights gets.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Board, TopicVisibility
from forum.cases.models import Case, Department
from tests.conftest import make_owner, make_topic, staff_of
from tests.factories import UserFactory
from tests.forum.conftest import forum_url, topic_url

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")|("csrfToken": ")[^"]+(")')


def _normalised(html: str) -> str:
    return CSRF.sub(lambda m: "".join(g for g in m.groups() if g is not None), html)


@pytest.fixture
def world(boards, project_a, project_b, staff_admin, moderator, member):
    owner_a = make_owner(project=project_a, username="owner_a", by=staff_admin)
    owner_b = make_owner(project=project_b, username="owner_b", by=staff_admin)
    engineering = staff_of("engineering", "engineering1")
    complainant = UserFactory(username="complainant", display_name="投诉人")
    community = boards[Board.Kind.COMMUNITY].forum
    topic = make_topic(forum=community, poster=owner_a, subject="小区羽毛球", content="周六")
    for poster, text in ((member, "我也去"), (complainant, "几点"), (owner_b, "带拍子")):
        Post.objects.create(topic=topic, poster=poster, subject="回复", content=text, approved=True)
    # What decides the authors' counts for some readers only: an owners' board post, a private
    # complaint routed to engineering, an unapproved topic.
    make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="电梯维保")
    complaint = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=complainant, subject="楼道漏水"
    )
    TopicVisibility.objects.create(topic=complaint, staff_only=True)
    Case.objects.create(topic=complaint, department=Department.objects.get(code="engineering"))
    hidden = make_topic(forum=community, poster=member, subject="待审核的话题")
    # As machina unapproves a topic: through its first post (the board's counters follow).
    first = hidden.posts.get()
    first.approved = False
    first.save()
    return {
        "topic": topic,
        "community": community,
        "readers": {
            "visitor": None,
            "member": member,
            "owner": owner_a,
            "other owner": owner_b,
            "complainant": complainant,
            "moderator": moderator,
            "department": engineering,
        },
    }


def _pages(world, reader_kind):
    pages = [topic_url(world["topic"]), forum_url(world["community"])]
    if reader_kind != "visitor":
        pages += ["/me/", reverse("search:search") + "?q=羽毛球"]
    if reader_kind == "moderator":
        pages += ["/triage/"]
    if reader_kind == "department":
        pages += [reverse("cases:department_queue", kwargs={"code": "engineering"})]
    return pages


def _get(client, user, path):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return _normalised(response.content.decode())


KEPT = (
    "FORUM_PERMISSION_CACHE",
    "FORUM_AUTHOR_COUNTS_CACHE",
    "FORUM_QUEUE_ROWS_CACHE",
    "FORUM_QUEUE_COUNTS_CACHE",
    "MEMBER_OVERVIEW_CACHE",
    "FORUM_BOARD_TOTALS_CACHE",
    "FORUM_TOPIC_ROWS_CACHE",
)


def _keeping(settings, on: bool) -> None:
    for name in KEPT:
        setattr(settings, name, on)


@pytest.mark.parametrize(
    "reader_kind",
    ["visitor", "member", "owner", "other owner", "complainant", "moderator", "department"],
)
def test_each_page_is_the_same_fresh_cold_and_warm(client, settings, world, reader_kind):
    user = world["readers"][reader_kind]
    for path in _pages(world, reader_kind):
        # A first look settles what a look changes (read markers).
        _get(client, user, path)
        _keeping(settings, False)
        cache.clear()
        fresh = _get(client, user, path)

        _keeping(settings, True)
        cache.clear()
        cold = _get(client, user, path)
        warm = _get(client, user, path)

        assert cold == fresh, path
        assert warm == fresh, path


def _count_shown(html: str, user) -> str:
    """The post count in the author's sidebar beside their first post on the page."""
    profile = reverse("forum_member:profile", args=[user.pk])
    sidebar = html.index(f'<div class="username"><a href="{profile}">')
    match = re.compile(r'class="posts-count[^"]*">.*?&nbsp;(\d+)</div>').search(html, sidebar)
    assert match, "the author's count is on the page"
    return match.group(1)


def test_what_one_reader_filled_in_never_reaches_another(client, world):
    topic, readers = world["topic"], world["readers"]
    complainant, member = readers["complainant"], readers["member"]
    # Engineering staff see the private complaint: its author has 2 posts for them …
    staff_page = _get(client, readers["department"], topic_url(topic))
    assert _count_shown(staff_page, complainant) == "2"
    # … and the complainant 2 (their own); a plain member and a visitor only 1, after them.
    assert _count_shown(_get(client, complainant, topic_url(topic)), complainant) == "2"
    assert _count_shown(_get(client, member, topic_url(topic)), complainant) == "1"
    assert _count_shown(_get(client, None, topic_url(topic)), complainant) == "1"
    # Owners of project A see the owners' board post, others (after them) do not.
    assert _count_shown(_get(client, readers["owner"], topic_url(topic)), readers["owner"]) == "2"
    assert (
        _count_shown(_get(client, readers["other owner"], topic_url(topic)), readers["owner"])
        == "1"
    )


def test_a_member_with_a_hidden_topic_gets_a_scope_of_their_own(world):
    from forum.author_counts import reader_scope

    member, other = world["readers"]["member"], UserFactory(username="plain")
    readable = {world["community"].pk}
    shared = reader_scope(user=other, readable=readable, own_hidden=False)
    assert reader_scope(user=member, readable=readable, own_hidden=True) != shared
    assert reader_scope(user=member, readable=readable, own_hidden=False) == shared


def test_a_new_post_shows_in_the_count_on_the_next_request(client, world):
    topic, member = world["topic"], world["readers"]["member"]
    reader = world["readers"]["other owner"]
    assert _count_shown(_get(client, reader, topic_url(topic)), member) == "1"
    Post.objects.create(topic=topic, poster=member, subject="回复", content="再来", approved=True)
    assert _count_shown(_get(client, reader, topic_url(topic)), member) == "2"


def test_a_grant_change_shows_on_the_next_request(client, world, project_a, staff_admin):
    topic, owner = world["topic"], world["readers"]["owner"]
    newcomer = UserFactory(username="newcomer")
    assert _count_shown(_get(client, newcomer, topic_url(topic)), owner) == "1"
    # Verified as an owner of project A: the owners' board and its post become readable.
    newcomer.groups.add(project_a.owners_group)
    assert _count_shown(_get(client, newcomer, topic_url(topic)), owner) == "2"


def test_a_case_routed_elsewhere_leaves_the_department_on_the_next_request(client, world):
    topic, complainant = world["topic"], world["readers"]["complainant"]
    staff = world["readers"]["department"]
    assert _count_shown(_get(client, staff, topic_url(topic)), complainant) == "2"
    case = Case.objects.get(topic__subject="楼道漏水")
    case.department = Department.objects.get(code="property")
    case.save()
    assert _count_shown(_get(client, staff, topic_url(topic)), complainant) == "1"


def test_a_case_status_change_shows_in_the_queue_on_the_next_request(client, world):
    moderator = world["readers"]["moderator"]
    assert "楼道漏水" in _get(client, moderator, "/triage/")
    case = Case.objects.get(topic__subject="楼道漏水")
    case.status = Case.Status.CLOSED
    case.save()
    assert "楼道漏水" not in _get(client, moderator, "/triage/")


def test_a_name_change_shows_on_the_next_request(client, world):
    topic, owner = world["topic"], world["readers"]["owner"]
    reader = world["readers"]["member"]
    _get(client, reader, topic_url(topic))
    owner.display_name = "新名字"
    owner.save()
    assert "新名字" in _get(client, reader, topic_url(topic))


@pytest.mark.parametrize("queue", ["triage", "department"])
def test_the_queues_pages_hold_the_selectors_cases_in_its_order(client, world, monkeypatch, queue):
    """Paged over the sorted ids, each page holds what paging the selector's query gives."""
    from forum.cases import selectors, views

    boards_forum = world["community"]
    engineering = Department.objects.get(code="engineering")
    for n in range(5):
        topic = make_topic(
            forum=boards_forum, poster=world["readers"]["member"], subject=f"工单{n}"
        )
        Case.objects.create(topic=topic, department=engineering if n % 2 else None)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    if queue == "triage":
        reader, path = world["readers"]["moderator"], "/triage/"
        expected = list(selectors.case_list_for_triage(filters={}).values_list("pk", flat=True))
    else:
        reader = world["readers"]["department"]
        path = reverse("cases:department_queue", kwargs={"code": "engineering"})
        expected = list(
            selectors.case_list_for_department(department=engineering, filters={}).values_list(
                "pk", flat=True
            )
        )
    assert len(expected) > 2
    client.force_login(reader)
    shown = []
    for number in range(1, (len(expected) + 1) // 2 + 1):
        response = client.get(path, {"page": number})
        shown += [row["pk"] for row in response.context["rows"]]
        assert response.context["page"].number == number
    assert shown == expected


# --- The queues' rows kept rendered (forum/cases/queue_rows.py) ------------------------------


def _pii_moderator(username):
    from django.contrib.auth.models import Permission

    from forum.boards.services import moderators_group_ensure

    user = UserFactory(username=username)
    user.groups.add(moderators_group_ensure())
    user.user_permissions.add(
        Permission.objects.get(codename="view_member_pii", content_type__app_label="portal")
    )
    return user


@pytest.fixture
def complaint_with_contact(world):
    complainant = world["readers"]["complainant"]
    complainant.email = "tousu.ren@example.com"
    complainant.save()
    case = Case.objects.get(topic__subject="楼道漏水")
    first = case.topic.first_post
    first.content = "请联系我 13912345678"
    first.save()
    return case


def test_a_reader_without_the_pii_permission_never_gets_the_unmasked_row(
    client, world, complaint_with_contact
):
    moderator = world["readers"]["moderator"]
    assert not moderator.has_perm("portal.view_member_pii")
    privileged = _pii_moderator("pii_moderator")
    # The reader who may see personal data fills the kept rows first …
    full = _get(client, privileged, "/triage/")
    assert "tousu.ren@example.com" in full and "13912345678" in full
    # … the moderator without the permission gets them masked, from the cache or not.
    for _look in range(2):
        masked = _get(client, moderator, "/triage/")
        assert "tousu.ren@example.com" not in masked and "13912345678" not in masked
        assert "t***@example.com" in masked and "139****5678" in masked
    # And the other way round, with the masked rows kept first.
    cache.clear()
    _get(client, moderator, "/triage/")
    assert "tousu.ren@example.com" in _get(client, privileged, "/triage/")


def test_a_queue_row_follows_the_case_its_author_and_the_clock(client, world, monkeypatch):
    from forum.cases import selectors

    staff = world["readers"]["department"]
    path = reverse("cases:department_queue", kwargs={"code": "engineering"})
    case = Case.objects.get(topic__subject="楼道漏水")
    case.first_response_due = timezone.now() + datetime.timedelta(days=10)
    case.save()
    page = _get(client, staff, path)
    assert 'class="table-warning"' not in page
    # The assignee shown is the case's.
    case.assignee = staff
    case.save()
    page = _get(client, staff, path)
    assert staff.public_name in page
    # The author's new name.
    complainant = world["readers"]["complainant"]
    complainant.display_name = "改过名的投诉人"
    complainant.save()
    assert "改过名的投诉人" in _get(client, staff, path)
    # The topic's new subject.
    topic = case.topic
    topic.subject = "楼道漏水（已改）"
    topic.save()
    assert "楼道漏水（已改）" in _get(client, staff, path)
    # Nothing saved, time passes: the deadline comes within the warning window.
    monkeypatch.setattr(selectors, "warning_window", lambda: datetime.timedelta(days=3650))
    page = _get(client, staff, path)
    assert 'class="table-warning"' in page


def test_a_department_rename_shows_in_the_triage_rows(client, world):
    moderator = world["readers"]["moderator"]
    _get(client, moderator, "/triage/")
    engineering = Department.objects.get(code="engineering")
    engineering.name = "工程维修部"
    engineering.save()
    page = _get(client, moderator, "/triage/")
    assert page.count("工程维修部") >= 2  # the bulk form's list and each row's routing list


# --- The personal center's overview kept per member (portal/members/overview.py) ----------


def test_the_overview_shows_points_profile_and_ownership_changes_on_the_next_request(
    client, settings, world, project_b, staff_admin
):
    from portal.members.models import MemberLevel, MemberProfile, PointsEntry
    from portal.members.points import points_entry_add
    from portal.members.services import unit_ownership_claim, unit_ownership_verify

    member = world["readers"]["member"]
    page = _get(client, member, "/me/")
    assert "9-9" not in page and ">4321<" not in page
    # Points.
    points_entry_add(
        member=member,
        ledger=PointsEntry.Ledger.REWARD,
        amount=4321,
        category="other",
        reason="test",
        idempotency_key="both-ways-points",
    )
    assert ">4321<" in _get(client, member, "/me/")
    # The profile: name, email, level, a deletion request.
    member.display_name = "换了名字的会员"
    member.email = "renamed@example.com"
    member.save()
    page = _get(client, member, "/me/")
    assert "换了名字的会员" in page and "renamed@example.com" in page
    profile = MemberProfile.objects.get(user=member)
    top = MemberLevel.objects.order_by("-rank").first()
    profile.level = top
    profile.save()
    assert f'data-testid="member-level">{top.name}<' in _get(client, member, "/me/")
    # An ownership claimed, then verified; then the project renamed.
    ownership = unit_ownership_claim(member=member, project=project_b, building="9", unit="9")
    assert "9-9" in _get(client, member, "/me/")
    unit_ownership_verify(ownership=ownership, by=staff_admin)
    assert "badge-success" in _get(client, member, "/me/")
    project_b.name = "滨江贰号"
    project_b.save()
    assert "滨江贰号" in _get(client, member, "/me/")
    # Each step equals a fresh render.
    kept = _get(client, member, "/me/")
    _keeping(settings, False)
    assert _get(client, member, "/me/") == kept


def test_one_members_overview_never_reaches_another(client, world):
    owner, other = world["readers"]["owner"], world["readers"]["other owner"]
    mine = _get(client, owner, "/me/")
    assert owner.username in mine
    theirs = _get(client, other, "/me/")
    assert owner.username not in theirs and other.username in theirs
    assert "翠湖天地" in mine and "翠湖天地" not in theirs
