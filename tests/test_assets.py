"""How pages load their styles and scripts (issue #14, "weight"; docs/benchmarks.md, Lighthouse).

- no page links machina's vendor stylesheet (Bootstrap and Font Awesome, 182 KB): every page has
  the subset our templates use (scripts/css_subset.py), and the committed subset is what the
  script writes from today's templates;
- machina's board stylesheet is on forum pages only;
- machina's scripts (jQuery and Bootstrap's, 170 KB) load only on the pages whose widgets need
  them, the topic and post forms and a moderator's topic page, and every script is deferred.
"""

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.models import HomePage, NewsIndexPage, NewsPage
from forum.boards.models import Board
from tests.conftest import make_topic
from tests.forum.conftest import topic_url

ROOT = Path(settings.BASE_DIR)
VENDOR_CSS = "css/machina.board_theme.vendor.min.css"
BOARD_CSS = "css/machina.board_theme.min.css"
SUBSET_CSS = "kehuhui/css/bootstrap-subset.css"
MACHINA_JS = ["js/machina.packages.min.js", "js/machina.min.js", "kehuhui/js/board.js"]


class Assets(HTMLParser):
    """The stylesheets and scripts a page asks for, in document order."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        if tag == "script":
            self.scripts.append(attributes)


def assets(response) -> Assets:
    assert response.status_code == 200
    parser = Assets()
    parser.feed(response.content.decode())
    return parser


def static(path: str) -> str:
    return settings.STATIC_URL + path


def script_sources(page: Assets) -> list[str]:
    return [script.get("src") for script in page.scripts]


def assert_every_script_deferred(page: Assets):
    for script in page.scripts:
        assert script.get("src"), script
        assert "defer" in script or "async" in script, script


def css_subset_module():
    spec = importlib.util.spec_from_file_location("css_subset", ROOT / "scripts/css_subset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def news_page(db):
    index = publish_child(HomePage.objects.get(), NewsIndexPage(title="新闻早知道", slug="news"))
    return publish_child(
        index,
        NewsPage(
            title="业主开放日",
            slug="open-day",
            summary="本周六",
            body=[("paragraph", RichText("<p>欢迎业主</p>"))],
        ),
    )


@pytest.fixture
def topic(boards, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    return make_topic(forum=forum, poster=member, subject="电梯什么时候修好")


def test_cms_pages_load_the_subset_and_nothing_of_machina(client, news_page):
    for url in ("/", news_page.url):
        page = assets(client.get(url))

        assert static(SUBSET_CSS) in page.stylesheets, url
        assert not [href for href in page.stylesheets if "machina" in href], url
        assert not [src for src in script_sources(page) if "machina" in src], url
        assert_every_script_deferred(page)


def test_forum_pages_add_the_board_stylesheet_but_no_script_for_readers(
    client, boards, topic, member
):
    forum = topic.forum
    board_url = reverse("forum:forum", kwargs={"slug": forum.slug, "pk": forum.pk})
    for reader in (None, member):
        if reader:
            client.force_login(reader)
        for url in (reverse("forum:index"), board_url, topic_url(topic)):
            page = assets(client.get(url))

            assert page.stylesheets[:1] == [static(SUBSET_CSS)], url
            assert static(BOARD_CSS) in page.stylesheets, url
            assert static(VENDOR_CSS) not in page.stylesheets, url
            assert not set(map(static, MACHINA_JS)) & set(script_sources(page)), url
            assert_every_script_deferred(page)


def test_topic_and_post_forms_load_machinas_scripts_deferred_in_order(client, topic, member):
    forum = topic.forum
    client.force_login(member)
    forum_kwargs = {"forum_slug": forum.slug, "forum_pk": forum.pk}
    topic_kwargs = {**forum_kwargs, "topic_slug": topic.slug, "topic_pk": topic.pk}
    for url in (
        reverse("forum_conversation:topic_create", kwargs=forum_kwargs),
        reverse("forum_conversation:post_create", kwargs=topic_kwargs),
        reverse("forum_conversation:topic_update", kwargs={**forum_kwargs, "slug": topic.slug,
                                                           "pk": topic.pk}),
    ):  # fmt: skip
        page = assets(client.get(url))

        sources = script_sources(page)
        machina = [src for src in sources if src in set(map(static, MACHINA_JS))]
        assert machina == list(map(static, MACHINA_JS)), url
        assert_every_script_deferred(page)
        assert static(VENDOR_CSS) not in page.stylesheets


def test_a_moderator_gets_the_scripts_of_the_moderation_menu(client, topic, moderator):
    client.force_login(moderator)

    response = client.get(topic_url(topic))

    page = assets(response)
    assert "id_dropdown_moderation_menu_button" in response.content.decode()
    assert static(MACHINA_JS[0]) in script_sources(page)
    assert_every_script_deferred(page)


def test_the_committed_subset_is_what_the_templates_need():
    css_subset = css_subset_module()

    committed = (ROOT / "themes/default/static" / SUBSET_CSS).read_text(encoding="utf-8")

    assert committed == css_subset.build(), "stale: run python scripts/css_subset.py"


def test_the_subset_keeps_the_rules_of_used_classes_only():
    css_subset = css_subset_module()
    css = ".btn{a:1}.modal,.card{b:2}.x:not(.unused) .y{c:3}@media (min-width:1px){.modal{d:4}}"

    subset = css_subset.serialise(
        css_subset._prune_at_rules(css_subset._filter(css_subset.parse(css), {"btn", "card", "x",
                                                                             "y"}))
    )  # fmt: skip

    assert subset == ".btn{a:1}.card{b:2}.x:not(.unused) .y{c:3}"


def test_the_edit_forms_share_the_new_topic_and_reply_forms_under_their_own_headings(
    client, topic, member
):
    forum = topic.forum
    client.force_login(member)
    forum_kwargs = {"forum_slug": forum.slug, "forum_pk": forum.pk}
    topic_kwargs = {**forum_kwargs, "topic_slug": topic.slug, "topic_pk": topic.pk}
    pages = {
        "topic_create": reverse("forum_conversation:topic_create", kwargs=forum_kwargs),
        "topic_update": reverse(
            "forum_conversation:topic_update",
            kwargs={**forum_kwargs, "slug": topic.slug, "pk": topic.pk},
        ),
        "post_create": reverse("forum_conversation:post_create", kwargs=topic_kwargs),
        "post_update": reverse(
            "forum_conversation:post_update", kwargs={**topic_kwargs, "pk": topic.first_post.pk}
        ),
    }
    html = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html[name] = response.content.decode()

    def heading(name):
        return re.findall(r'<h2 class="m-0 h5 card-title">([^<]*)</h2>', html[name])[:1]

    assert heading("topic_create") == ["发布一个新话题"]
    assert heading("post_create") == ["回复"]
    assert heading("topic_update") == heading("post_update") == ["编辑帖子"]
    # The reply form reviews the topic's earlier posts; the edit forms do not.
    assert 'class="card topic-review"' in html["post_create"]
    assert 'class="card topic-review"' not in html["post_update"]
    for name in pages:
        assert 'name="subject"' in html[name] and 'type="submit"' in html[name], name
