"""Content-Security-Policy (#13 finding 10): our pages run script files from the site only.

Every response carries the header; the site's own pages allow no inline script (none of our
templates has one, nor an inline event handler); the admins get their own, relaxed policy.
The URL sweep (tests/test_url_sweep.py) checks the same on every page it renders.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from forum.boards.models import Board
from tests.conftest import make_topic

THEMES = Path(settings.BASE_DIR) / "themes"
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class ScriptFinder(HTMLParser):
    """Inline scripts (a <script> without src that the browser would run) and on* handlers."""

    def __init__(self):
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        runs = (attributes.get("type") or "").lower() not in DATA_SCRIPT_TYPES
        if tag == "script" and runs and "src" not in attributes and "nonce" not in attributes:
            self.inline.append(self.getpos())
        self.handlers += [f"{tag} {name}" for name, _value in attrs if name.startswith("on")]
        if any(v and v.strip().lower().startswith("javascript:") for _n, v in attrs):
            self.handlers.append(f"{tag} javascript: URL")


def inline_scripts(html: str) -> list:
    finder = ScriptFinder()
    finder.feed(html)
    return finder.inline + finder.handlers


def script_src(policy: str) -> str:
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("script-src"))


def test_our_templates_have_no_inline_script_or_handler():
    found = []
    for template in sorted(THEMES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            data = re.search(r"type=\"application/(ld\+)?json", attributes)
            if "src=" not in attributes and not data:
                found.append(f"{template.relative_to(THEMES)}: {match.group(0)}")
        found += [
            f"{template.relative_to(THEMES)}: {m.group(0)}"
            for m in re.finditer(r"\son[a-z]+=\"", text)
        ]
    assert found == []


def test_public_pages_carry_the_policy_and_run_no_inline_script(client, boards, member):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="求助")
    topic_url = reverse(
        "forum_conversation:topic",
        kwargs={"forum_slug": topic.forum.slug, "forum_pk": topic.forum_id,
                "slug": topic.slug, "pk": topic.pk},
    )  # fmt: skip
    pages = ["/", "/forum/", topic_url, "/accounts/login/", "/accounts/signup/", "/search/?q=x"]

    for url in pages:
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert script_src(policy) == "script-src 'self'", url
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert inline_scripts(response.content.decode()) == [], url


def test_member_and_staff_pages_run_no_inline_script(client, boards, member, moderator):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    create = reverse(
        "forum_conversation:topic_create", kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk}
    )
    client.force_login(member)
    for url in ("/me/", "/me/card/", "/me/points/", create, "/forum/club/notifications/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_scripts(response.content.decode()) == [], url
    client.force_login(moderator)
    for url in ("/triage/", "/triage/reports/", "/forum/club/reports/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_scripts(response.content.decode()) == [], url


def test_forum_pages_start_machina_from_a_static_file(client, boards, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    client.force_login(member)

    page = client.get(
        reverse(
            "forum_conversation:topic_create",
            kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk},
        )
    ).content.decode()

    assert "kehuhui/js/board.js" in page
    onload = re.search(r'data-machina-onload="([^"]*)"', page).group(1)
    assert "machina.attachment.init();" in onload and "machina.poll.init();" in onload
    board_js = (THEMES / "default/static/kehuhui/js/board.js").read_text(encoding="utf-8")
    assert "eval(" not in board_js and "Function(" not in board_js


def test_the_admins_get_their_own_policy(client, db):
    for url in ("/cms/login/", "/django-admin/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert policy == settings.CSP_ADMIN_POLICY
        assert "frame-ancestors 'self'" in policy


def test_report_only_mode(client, db, settings):
    settings.CSP_REPORT_ONLY = True

    response = client.get("/healthz")

    assert "Content-Security-Policy" not in response
    assert script_src(response["Content-Security-Policy-Report-Only"]) == "script-src 'self'"
