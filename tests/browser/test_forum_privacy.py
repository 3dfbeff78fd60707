"""owner1 posts in their project's board; owner2 cannot see it; member1's private complaint is
found nowhere by owner1: not in the board list, the board, the topic URL, search or the home page.
"""

import pytest

from forum.boards.models import Board
from tests.browser.conftest import log_in
from tests.conftest import make_owner
from tests.factories import TEST_PASSWORD
from tests.forum.conftest import forum_url, trust

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWNERS_SUBJECT = "一期电梯维保进度汇总"
PRIVATE_SUBJECT = "楼上漏水邻居拒不维修"


def log_out(page):
    page.context.clear_cookies()


def post_topic(page, *, board_url, subject, content, staff_only=False):
    page.goto(board_url)
    page.get_by_role("link", name="发表新主题").first.click()
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=content]", content)
    if staff_only:
        page.check("input[name=staff_only]")
    page.click("input[type=submit]:not([name=preview])")
    page.wait_for_load_state()


@pytest.fixture
def urls(boards, project_a, project_b, staff_admin, member):
    """All database work happens here, before the browser starts: the test body only browses."""
    make_owner(project=project_a, username="owner1", by=staff_admin)
    make_owner(project=project_b, username="owner2", by=staff_admin)
    trust(member)
    return {
        "owners_board": forum_url(project_a.owners_board.forum),
        "complaints": forum_url(boards[Board.Kind.COMPLAINTS].forum),
    }


def test_owners_board_and_private_complaint_stay_private(urls, page):
    # owner1 posts in their project's board
    log_in(page, username="owner1", password=TEST_PASSWORD)
    post_topic(
        page, board_url=urls["owners_board"], subject=OWNERS_SUBJECT, content="各栋时间安排如下。"
    )
    assert page.locator("h1").first.inner_text().startswith(OWNERS_SUBJECT)
    topic_url = page.url
    log_out(page)

    # owner2 sees the board exists, locked, but not the topic
    log_in(page, username="owner2", password=TEST_PASSWORD)
    page.goto("/forum/")
    assert page.locator("[data-testid=locked-board]", has_text="翠湖天地").count() == 1
    assert OWNERS_SUBJECT not in page.content()
    response = page.goto(topic_url)
    assert response.status == 403 and OWNERS_SUBJECT not in page.content()
    log_out(page)

    # member1 files a private complaint
    log_in(page, username="member1", password=TEST_PASSWORD)
    post_topic(
        page,
        board_url=urls["complaints"],
        subject=PRIVATE_SUBJECT,
        content="楼上卫生间漏水到我家天花板，已经两周了。",
        staff_only=True,
    )
    assert page.locator("h1").first.inner_text().startswith(PRIVATE_SUBJECT)
    complaint_url = page.url
    log_out(page)

    # owner1 cannot find it anywhere, though the home page and the board are there
    log_in(page, username="owner1", password=TEST_PASSWORD)
    for url in ("/forum/", urls["complaints"], "/", "/search/?q=漏水"):
        response = page.goto(url)
        assert response.status == 200, url
        assert PRIVATE_SUBJECT not in page.content(), url
        assert "楼上卫生间漏水" not in page.content(), url
    response = page.goto(complaint_url)
    assert response.status == 403
    assert PRIVATE_SUBJECT not in page.content() and PRIVATE_SUBJECT not in page.title()
