"""An editor writes a news item, an approver publishes it, a visitor reads it."""

import re

import pytest
from django.contrib.auth.models import Group

from cms.models import HomePage, NewsIndexPage, NewsPage
from tests.browser.conftest import log_in
from tests.cms.conftest import publish_child
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "社区图书角周末开放"
ADMIN_TIMEOUT = 30000


def open_action_menu(page):
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()


def log_out(page):
    page.context.clear_cookies()


def test_editor_writes_approver_publishes_visitor_reads(page):
    news_index = publish_child(
        HomePage.objects.get(), NewsIndexPage(title="新闻早知道", slug="news")
    )
    editor = UserFactory(username="editor", display_name="编辑小王")
    editor.groups.add(Group.objects.get(name="Editors"))
    approver = UserFactory(username="approver", display_name="审核老李")
    approver.groups.add(Group.objects.get(name="Approvers"))
    page.set_default_timeout(ADMIN_TIMEOUT)

    # The editor writes the article and submits it for approval.
    log_in(page, username="editor", password=TEST_PASSWORD)
    page.goto(f"/cms/pages/add/cms/newspage/{news_index.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill(
        "每周六、周日上午九点至下午五点，会所二楼图书角向全体会员开放。"
    )
    open_action_menu(page)
    with page.expect_navigation():
        page.locator("button[name=action-submit]").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/"))
    article = NewsPage.objects.get(title=TITLE)
    assert not article.live
    log_out(page)

    # Not yet public: the visitor does not find it.
    page.goto("/news/")
    assert TITLE not in page.content()

    # The approver approves, which publishes it.
    log_in(page, username="approver", password=TEST_PASSWORD)
    page.goto(f"/cms/pages/{article.pk}/edit/")
    open_action_menu(page)
    with page.expect_navigation():
        page.locator(
            "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        ).click()
    page.wait_for_load_state()
    log_out(page)

    # The visitor reads it on /news/.
    page.goto("/news/")
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "会所二楼图书角" in page.content()
    article.refresh_from_db()
    assert article.live
