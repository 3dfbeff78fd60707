import pytest

from forum.boards.models import Board
from tests.browser.conftest import log_in
from tests.conftest import make_topic
from tests.factories import TEST_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_logs_in_and_sees_their_name_on_home_and_forum(page, boards, member):
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="周末羽毛球")

    log_in(page, username="member1", password=TEST_PASSWORD)
    page.goto("/")
    assert page.locator("[data-testid=header-user]").inner_text() == "热心会员"
    assert "欢迎来到客户会" in page.content()

    page.goto("/forum/")
    assert page.locator("[data-testid=header-user]").inner_text() == "热心会员"
    assert page.get_by_text("互助").first.is_visible()
