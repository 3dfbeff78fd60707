"""Phones: every page a member walks through fits a 390 px screen with no horizontal scroll, and
the personal center shows its content before its menu (issue #14)."""

import pytest

from forum.boards.models import Board
from tests.browser.conftest import log_in
from tests.conftest import make_topic
from tests.factories import TEST_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LONG_LINE = "https://example.com/" + "a" * 120 + " " + "很长的一段话" * 40


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def test_member_pages_fit_a_phone_and_the_card_comes_first(page, boards, member):
    board = boards[Board.Kind.MUTUAL_HELP].forum
    topic = make_topic(forum=board, poster=member, subject="借梯子" * 10, content=LONG_LINE)
    page.set_viewport_size(PHONE)
    log_in(page, username="member1", password=TEST_PASSWORD)

    widths = {}
    for path in [
        "/",
        "/forum/",
        f"/forum/forum/{board.slug}-{board.pk}/",
        f"/forum/forum/{board.slug}-{board.pk}/topic/{topic.slug}-{topic.pk}/",
        "/search/?q=梯子",
        "/me/",
        "/me/card/",
        "/me/points/",
        "/me/posts/",
        "/me/improvements/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        widths[path] = overflow(page)
    assert widths == dict.fromkeys(widths, 0)

    # On the member card page the card is above the fold, the menu after it.
    page.goto("/me/card/")
    card_top = page.locator(".me-content").bounding_box()["y"]
    menu_top = page.locator(".me-menu").bounding_box()["y"]
    assert card_top < menu_top
    assert card_top < PHONE["height"] / 2


def test_the_triage_queues_are_cards_on_a_phone_with_their_actions_in_reach(
    page, boards, member, moderator
):
    from forum.cases.models import Department
    from forum.cases.services import case_open

    complaints = boards[Board.Kind.COMPLAINTS].forum
    engineering = Department.objects.get(code="engineering")
    case = case_open(
        topic=make_topic(
            forum=complaints, poster=member, subject="地下车库漏水" * 6, content=LONG_LINE
        )
    )
    case.suggested_department = engineering
    case.suggestion_reasons = ["rule: 渗漏水 (漏水)"]
    case.save()
    page.set_viewport_size(PHONE)
    log_in(page, username=moderator.username, password=TEST_PASSWORD)

    widths = {}
    for path in [
        "/triage/",
        "/triage/department/engineering/",
        "/triage/mine/",
        "/triage/improvements/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        widths[path] = overflow(page)
    page.goto(f"/triage/case/{case.pk}/")
    widths["case"] = overflow(page)
    assert widths == dict.fromkeys(widths, 0)

    # The queue: one card per case, its title on a line of its own width, the moderator's
    # actions inside the screen.
    page.goto("/triage/")
    row = page.locator(f"tr[data-case='{case.pk}']")
    title = row.locator(".case-queue__case a").bounding_box()
    assert title["width"] > PHONE["width"] / 2
    assert row.get_by_text("规则「渗漏水」命中“漏水”").is_visible()
    for button in (row.locator("button", has_text="确认"), row.locator("button", has_text="分派")):
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    row.locator("button", has_text="确认").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.department == engineering


def test_the_campaign_desk_fits_a_phone(page, db):
    from django.contrib.auth.models import Group

    from portal.campaigns import demo
    from tests.factories import UserFactory

    demo.seed()
    editor = UserFactory(username="campaign_editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    page.set_viewport_size(PHONE)
    log_in(page, username=editor.username, password=TEST_PASSWORD)

    widths = {}
    for path in ["/campaigns/", "/campaigns/new/", "/campaigns/segments/new/"]:
        response = page.goto(path)
        assert response.status == 200, path
        widths[path] = overflow(page)
    assert widths == dict.fromkeys(widths, 0)
