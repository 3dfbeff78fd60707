"""Chinese pages speak Chinese: each role's main pages, rendered in zh-hans, hold no English word
outside the allow-list of brand and product names and units in tests/english.py (issue #14).

Fast on purpose: the test client, no browser. Text only (tags, scripts and styles removed);
usernames and e-mail addresses of the test's own people are data, not interface.
"""

import pytest
from django.contrib.auth.models import Group

from forum.boards.models import Board
from forum.cases.models import Department
from forum.cases.services import case_open
from tests.conftest import make_topic
from tests.english import WORD, english_words
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(boards, member, moderator):
    complaints = boards[Board.Kind.COMPLAINTS].forum
    help_board = boards[Board.Kind.MUTUAL_HELP].forum
    topic = make_topic(forum=help_board, poster=member, subject="借梯子", content="谁家有梯子？")
    case = case_open(topic=make_topic(forum=complaints, poster=member, subject="外墙渗水"))
    case.suggestion_reasons = ["no rule, no model"]
    case.save()
    engineering = UserFactory(username="engineering", display_name="工程部小刘")
    engineering.groups.add(Department.objects.get(code="engineering").staff_group)
    editor = UserFactory(username="editor", display_name="编辑小王")
    editor.groups.add(Group.objects.get(name="Editors"))
    return {
        "member": member,
        "moderator": moderator,
        "engineering": engineering,
        "editor": editor,
        "topic": topic,
        "case": case,
        "help_board": help_board,
    }


def pages_by_role(world) -> dict[str, list[str]]:
    board, topic = world["help_board"], world["topic"]
    board_url = f"/forum/forum/{board.slug}-{board.pk}/"
    return {
        "visitor": [
            "/",
            "/forum/",
            board_url,
            f"{board_url}topic/{topic.slug}-{topic.pk}/",
            "/accounts/login/",
            "/accounts/signup/",
            "/privacy/",
        ],
        "member": ["/", "/forum/", "/me/", "/me/points/", "/me/settings/", "/me/cases/"],
        "moderator": ["/triage/", f"/triage/case/{world['case'].pk}/", "/triage/mine/"],
        "engineering": ["/triage/department/engineering/", "/triage/mine/"],
    }


def test_the_main_pages_of_each_role_hold_no_untranslated_english(client, world):
    data = {
        part
        for user in ("member", "moderator", "engineering")
        for part in WORD.findall(world[user].username)
    }
    found = {}
    for role, paths in pages_by_role(world).items():
        client.logout()
        if role != "visitor":
            client.force_login(world[role])
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
            assert response.status_code == 200, (role, path)
            assert response.redirect_chain == [], (role, path)
            words = english_words(response.content.decode(), data=data)
            if words:
                found[f"{role} {path}"] = sorted(words)
    assert found == {}


def test_the_check_finds_english_when_there_is_some():
    page = "<body><h1>工单</h1><p>Pages created in 客户会</p><script>var x = 1;</script></body>"

    assert english_words(page, data=set()) == {"Pages", "created", "in"}


def test_the_cms_dashboard_and_explorer_name_their_pages_in_chinese(client, world):
    # Wagtail's own catalogue lacks these; locale_vendor/wagtail adds them.
    client.force_login(world["editor"])

    dashboard = client.get("/cms/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    explorer = client.get("/cms/pages/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    explorer = explorer.content.decode()

    assert "created in" not in dashboard
    assert "个页面" in dashboard
    assert "Search all pages" not in dashboard
    assert "搜索所有页面…" in dashboard
    assert "Exploring" not in explorer
    assert "浏览" in explorer
