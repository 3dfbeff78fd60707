"""An editor writes a survey, an approver publishes it, members answer on a phone, staff read
the charts and export them."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from cms.models import HomePage
from portal.surveys.models import SurveyIndexPage, SurveyPage, SurveyResponse
from tests.browser.conftest import log_in
from tests.cms.conftest import publish_child
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "会所健身房使用回访"
ADMIN_TIMEOUT = 30000
PHONE = {"width": 390, "height": 844}


def open_action_menu(page):
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()


def test_editor_writes_members_answer_on_a_phone_staff_read_and_export(page, chromium):
    index = publish_child(HomePage.objects.get(), SurveyIndexPage(title="问卷调查", slug="surveys"))
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    approver = UserFactory(username="approver")
    approver.groups.add(Group.objects.get(name="Approvers"))
    UserFactory(username="staff", is_staff=True, is_superuser=True)
    members = [UserFactory(username=f"phone{n}") for n in range(2)]
    page.set_default_timeout(ADMIN_TIMEOUT)

    # The editor writes a one-question survey (NPS) and submits it.
    log_in(page, username="editor", password=TEST_PASSWORD)
    page.goto(f"/cms/pages/add/surveys/surveypage/{index.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.get_by_role("button", name=re.compile("Insert a block|插入块")).first.click()
    page.get_by_role("option", name=re.compile("NPS")).click()
    page.locator("input[id$='-value-key']").fill("recommend")
    page.locator("input[id$='-value-label']").fill("您会向邻居推荐健身房吗？")
    # Let the editor's preview requests finish: SQLite's shared test database takes one writer.
    page.wait_for_load_state("networkidle")
    open_action_menu(page)
    with page.expect_navigation():
        page.locator("button[name=action-submit]").click()
    survey = SurveyPage.objects.get(title=TITLE)
    assert not survey.live
    page.context.clear_cookies()

    # The approver approves, which publishes it.
    log_in(page, username="approver", password=TEST_PASSWORD)
    page.goto(f"/cms/pages/{survey.pk}/edit/")
    open_action_menu(page)
    with page.expect_navigation():
        page.locator(
            "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        ).click()
    page.context.clear_cookies()

    # Members answer on a phone.
    for n, member in enumerate(members):
        phone = chromium.new_context(base_url=page.url.split("/cms")[0], viewport=PHONE)
        mobile = phone.new_page()
        log_in(mobile, username=member.username, password=TEST_PASSWORD)
        mobile.goto("/surveys/")
        with mobile.expect_navigation():
            mobile.locator("[data-testid=survey] a").click()
        mobile.locator(f"input[name=q-recommend][value='{9 + n}']").check()
        with mobile.expect_navigation():
            mobile.locator("[data-testid=survey-submit]").click()
        assert mobile.locator("[data-testid=survey-done]").is_visible()
        phone.close()
    assert SurveyResponse.objects.filter(survey__title=TITLE, status="submitted").count() == 2

    # Staff read the charts and export them.
    log_in(page, username="staff", password=TEST_PASSWORD)
    page.goto(f"/surveys/results/{survey.pk}/")
    assert "NPS" in page.locator("[data-testid=question-result]").inner_text()
    assert page.locator("[data-testid=nps]").inner_text() == "100"
    with page.expect_download() as download:
        page.locator("[data-testid=survey-export-csv]").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "phone0" in content and "recommend" in content
