"""Each role walks its main pages at desktop (1366×900) and phone (390×844) sizes (issue #14).

On every page: the role's staff links in the header and no one else's, no horizontal scroll at
390 px, no template comment (`{#`) in the HTML, no untranslated English (tests/english.py) and
no critical or serious axe-core violation (tests/browser/axe.py). Every problem found is
collected, so one run reports them all, by role, width and page.

The world is the demo data (seed_demo: the accounts DESIGN.md names, news, handbook, offers,
activities, surveys, cases and owners' boards), built once for the module: one test walks every
role, on the session's one live server and one browser, each role in a fresh browser context.
"""

import io
import os
import time

import pytest
from django.core.management import call_command

from tests.browser.axe import EXCLUDED, axe_source, axe_violations, blocking, describe
from tests.browser.conftest import log_in
from tests.english import data_words, english_words

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "demo12345"

# The staff links of the header (portal/members/navigation.py and each area's navigation.py),
# and which of them each demo role has (seed_demo gives the moderator the activity desk and the
# member pages, and editors and approvers the campaigns).
STAFF_LINKS = {"triage", "desk", "improvements", "members", "cms", "activities", "campaigns"}
NAV = {
    "visitor": set(),
    "member1": set(),
    "owner1": set(),
    "moderator": {"triage", "improvements", "activities", "members"},
    "engineering": {"triage", "improvements"},
    "editor": {"cms", "campaigns"},
    "approver": {"cms", "campaigns"},
}


def demo_world() -> dict[str, list[str]]:
    """seed_demo, then each role's pages (the URLs of its boards, topics and cases)."""
    from machina.apps.forum_conversation.models import Topic

    from forum.boards.models import Board
    from forum.cases.models import Case
    from portal.members.models import HousingProject

    call_command("seed_demo", stdout=io.StringIO())

    def board_url(forum) -> str:
        return f"/forum/forum/{forum.slug}-{forum.pk}/"

    def topic_url(topic) -> str:
        return f"{board_url(topic.forum)}topic/{topic.slug}-{topic.pk}/"

    help_board = Board.objects.get(kind=Board.Kind.MUTUAL_HELP).forum
    help_topic = Topic.objects.filter(forum=help_board, approved=True).order_by("pk").first()
    owners_board = HousingProject.objects.get(slug="cuihu").owners_board.forum
    owners_topic = Topic.objects.filter(forum=owners_board, approved=True).order_by("pk").first()
    engineering_case = Case.objects.filter(department__code="engineering").order_by("pk").first()
    return {
        "visitor": [
            "/",
            "/news/",
            "/handbook/",
            "/offers/",
            "/activities/",
            "/forum/",
            board_url(help_board),
            topic_url(help_topic),
            "/search/?q=漏水",
            "/accounts/login/",
            "/accounts/signup/",
        ],
        "member1": [
            "/me/",
            "/me/card/",
            "/me/points/",
            "/me/rewards/",
            "/surveys/",
            topic_url(help_topic),
            f"{board_url(help_board)}topic/create/",
        ],
        "owner1": ["/me/", board_url(owners_board), topic_url(owners_topic)],
        "moderator": [
            "/triage/",
            f"/triage/case/{engineering_case.pk}/",
            "/triage/reports/",
            "/triage/improvements/",
        ],
        "engineering": [
            "/triage/department/engineering/",
            f"/triage/case/{engineering_case.pk}/",
            "/triage/improvements/",
        ],
        "editor": ["/me/", "/cms/", f"/cms/pages/{news_page_id()}/edit/"],
        "approver": ["/me/", "/cms/"],
    }


def news_page_id() -> int:
    from cms.models import NewsPage

    return NewsPage.objects.live().order_by("pk").first().pk


def page_problems(page, path: str, *, role: str, size: dict, data: set[str]) -> list[str]:
    """What is wrong with the page the browser shows now, in words."""
    problems = []
    wagtail_admin = path.startswith("/cms/")
    html = page.content()
    if "{#" in html:
        problems.append("a template comment ({#) is printed")
    words = english_words(html, data=data)
    if words and not wagtail_admin:
        problems.append(f"untranslated English: {sorted(words)}")
    if not wagtail_admin:
        found = set(
            page.eval_on_selector_all(
                ".site-header [data-testid^='nav-']",
                "links => links.map(link => link.dataset.testid.slice(4))",
            )
        )
        found &= STAFF_LINKS
        if found != NAV[role]:
            problems.append(f"staff links {sorted(found)}, expected {sorted(NAV[role])}")
    if size == PHONE:
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{overflow} px wider than the screen")
    found = blocking(axe_violations(page, exclude=EXCLUDED if wagtail_admin else None))
    if found:
        problems.append("axe-core:\n" + describe(found))
    return problems


def test_each_role_walks_its_pages_at_desktop_and_phone(chromium, live_server):
    axe_source()  # skips (or fails under REQUIRE_BROWSER) before the world is built
    started = time.monotonic()
    pages = demo_world()
    seeded = time.monotonic()
    # The demo's own people and content are data, not interface text.
    data = data_words("member1 owner1 owner2 moderator engineering design property editor approver")

    problems: dict[str, list[str]] = {}
    visited = 0
    # Each role logs in through the form once, at the first width; the phone walk starts from
    # that session's cookies (a fresh context with the same storage state), which saves a
    # login a role. Every page checks it was not sent to the login page.
    sessions: dict[str, dict] = {}
    for size in (DESKTOP, PHONE):
        for role, paths in pages.items():
            context = chromium.new_context(
                base_url=live_server.url,
                locale="zh-CN",
                viewport=size,
                bypass_csp=True,
                storage_state=sessions.get(role),
            )
            context.set_default_timeout(20000)
            page = context.new_page()
            try:
                if role != "visitor" and role not in sessions:
                    log_in(page, username=role, password=DEMO_PASSWORD)
                    assert "/accounts/login/" not in page.url, f"{role} could not log in"
                    sessions[role] = context.storage_state()
                for path in paths:
                    response = page.goto(path)
                    page.wait_for_load_state()
                    visited += 1
                    key = f"{role} {size['width']}px {path}"
                    if response.status != 200:
                        problems[key] = [f"HTTP {response.status}"]
                        continue
                    if role != "visitor" and "/accounts/login/" in page.url:
                        problems[key] = [f"sent to the login page ({page.url})"]
                        continue
                    found = page_problems(page, path, role=role, size=size, data=data)
                    if found:
                        problems[key] = found
            finally:
                context.close()

    if os.environ.get("ROLES_WALK_TIMING"):
        print(
            f"\nseed_demo and the world: {seeded - started:.0f} s; "
            f"walked {visited} pages in {time.monotonic() - seeded:.0f} s"
        )
    report = "\n".join(f"{key}:\n  " + "\n  ".join(found) for key, found in problems.items())
    assert not problems, f"{len(problems)} of {visited} pages have problems:\n{report}"


def test_axe_reports_a_known_violation(chromium):
    """The positive control: a page with an image without alt and an empty link fails."""
    axe_source()
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="zh-Hans"><head><title>测试</title></head><body><main><h1>标题</h1>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="/x"></a>'
            "</main></body></html>"
        )
        found = blocking(axe_violations(page))
    finally:
        context.close()

    assert {violation["id"] for violation in found} >= {"image-alt", "link-name"}
    assert "image-alt (critical)" in describe(found)
