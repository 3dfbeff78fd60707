"""Nothing debug-like shows: a Django ``{# #}`` comment ends on its own line, so a comment
spread over several lines is printed to the page as text (issue #14). Templates use
``{% comment %}`` for those."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

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


def test_a_visitor_sent_to_log_in_is_told_why(client, boards, project_a):
    owners_board = project_a.owners_board.forum
    board_url = reverse("forum:forum", kwargs={"slug": owners_board.slug, "pk": owners_board.pk})

    response = client.get(board_url, follow=True)

    page = response.content.decode()
    assert response.redirect_chain and "/accounts/login/" in response.redirect_chain[-1][0]
    assert 'data-testid="login-reason"' in page and "仅对会员开放" in page
    assert "/accounts/signup/?next=" in page
    # A plain visit to the login page has no such notice.
    assert 'data-testid="login-reason"' not in client.get("/accounts/login/").content.decode()


def test_a_member_refused_an_owners_board_learns_how_to_claim_a_unit(client, project_a, member):
    owners_board = project_a.owners_board.forum
    client.force_login(member)

    response = client.get(
        reverse("forum:forum", kwargs={"slug": owners_board.slug, "pk": owners_board.pk})
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="forbidden-claim"' in page and 'href="/me/units/"' in page
    assert "认领房产" in page


def test_password_and_email_pages_keep_the_personal_center_layout(client, member):
    client.force_login(member)

    for url, active in [("/accounts/password/change/", "修改密码"), ("/accounts/email/", "邮箱")]:
        page = client.get(url).content.decode()
        assert 'class="col-md-3 mb-3 me-menu"' in page, url
        assert 'href="/me/points/"' in page, url  # the personal center's menu
        current = page[page.index("list-group-item-action active") :][:300]
        assert active in current, url
