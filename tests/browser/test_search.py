import pytest

from forum.boards.models import Board, TopicVisibility
from forum.boards.services import board_skeleton_ensure
from portal.members.services import housing_project_ensure
from tests.browser.conftest import log_in
from tests.conftest import make_owner, make_topic
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_owner_searches_for_a_leak_and_sees_only_what_they_may_read(page):
    boards = board_skeleton_ensure()
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    project_a = housing_project_ensure(name="翠湖天地", slug="cuihu", city="上海")
    project_b = housing_project_ensure(name="滨江壹号", slug="binjiang", city="杭州")
    owner1 = make_owner(project=project_a, username="owner1", by=admin)
    owner2 = make_owner(project=project_b, username="owner2", by=admin)
    member1 = UserFactory(username="member1")
    make_topic(forum=project_a.owners_board.forum, poster=owner1, subject="翠湖车库漏水")
    make_topic(forum=project_b.owners_board.forum, poster=owner2, subject="滨江屋面漏水")
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member1, subject="阳台漏水求助")
    private = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=member1, subject="卫生间漏水私密投诉"
    )
    TopicVisibility.objects.create(topic=private, staff_only=True)

    log_in(page, username="owner1", password=TEST_PASSWORD)
    page.goto("/search/")
    page.fill("#search-q", "漏水")
    page.click("[data-testid=search-form] button[type=submit]")
    results = page.locator("[data-testid=search-results]")

    results.get_by_text("翠湖车库漏水").wait_for()
    assert results.locator("mark", has_text="漏水").count() >= 2
    assert results.get_by_text("阳台漏水求助").is_visible()
    assert results.get_by_text("滨江屋面漏水").count() == 0
    assert results.get_by_text("卫生间漏水私密投诉").count() == 0
