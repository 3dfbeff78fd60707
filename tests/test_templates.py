"""Nothing debug-like shows: a Django ``{# #}`` comment ends on its own line, so a comment
spread over several lines is printed to the page as text (issue #14). Templates use
``{% comment %}`` for those."""

import re
from pathlib import Path

from django.conf import settings

from forum.boards.models import Board
from tests.conftest import make_topic
from tests.forum.conftest import topic_url

ROOT = Path(settings.BASE_DIR)
OPEN_LINE_COMMENT = re.compile(r"\{#(?:(?!#\}).)*$", re.M)


def our_templates():
    folders = [ROOT / "themes"] + [
        path
        for area in ("portal", "forum", "cms", "search")
        for path in (ROOT / area).rglob("templates")
    ]
    for folder in folders:
        yield from folder.rglob("*.html")
        yield from folder.rglob("*.txt")


def test_no_template_opens_a_comment_it_does_not_close_on_the_same_line():
    templates = list(our_templates())
    assert len(templates) > 50  # positive control: the walk found the templates

    offenders = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in templates
        for text in [path.read_text(encoding="utf-8")]
        for match in OPEN_LINE_COMMENT.finditer(text)
    ]

    assert offenders == []
    assert OPEN_LINE_COMMENT.search("{# one\n two #}")  # the pattern catches the mistake


def test_a_topic_page_prints_no_template_comment(client, boards, member):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="借梯子")

    page = client.get(topic_url(topic)).content.decode()

    assert "借梯子" in page
    assert "{#" not in page and "#}" not in page


def test_posts_show_the_members_display_name_not_the_username(client, boards, member):
    # member: username "member1", display name 热心会员
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="借梯子")

    page = client.get(topic_url(topic)).content.decode()

    assert "热心会员" in page
    assert "member1" not in page
