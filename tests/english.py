"""Untranslated English on Chinese pages: one allow-list for every test that looks (issue #14).

``english_words(html, data=...)`` takes a rendered page (or the text of one), drops tags,
scripts, styles and e-mail addresses, and returns the English words left that are neither on
the allow-list nor the test's own data (usernames and the like). The fast test client check
(tests/test_no_english.py) and the browser walks (tests/browser/test_roles.py) share it.
"""

import html
import re

# Names and units that stay as they are in Chinese text. Add a word only when a Chinese reader
# would see it untranslated on a well-made Chinese site too.
ALLOWED = {
    # brands, products and formats
    "wagtail", "django", "machina", "wechat", "ical", "qr", "vip", "app", "cms", "rss", "atom",
    "nps",
    # units, formats and codes
    "kb", "mb", "gb", "px", "am", "pm", "id", "url", "csv", "xlsx", "json", "pdf", "https", "http",
    # case priorities (P1…P4) and versions (v1)
    "p", "v",
    # the language switch names each language in itself; member numbers begin with KH
    "english", "kh",
}  # fmt: skip

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
EMAIL = re.compile(r"[\w.+*-]+@[\w.-]+")


def page_text(page: str) -> str:
    """The visible text of a page's body: no tags, scripts, styles or inline SVG."""
    start = page.find("<body")
    body = page[start:] if start >= 0 else page
    body = re.sub(r"<(script|style|svg|template)\b.*?</\1>", " ", body, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def english_words(page: str, *, data: set[str] = frozenset()) -> set[str]:
    """The English words of more than one letter on ``page`` outside ``ALLOWED`` and ``data``."""
    text = EMAIL.sub(" ", page_text(page))
    words = {word for word in WORD.findall(text) if len(word) > 1}
    return {word for word in words if word.lower() not in ALLOWED and word not in data}


def data_words(*values: str) -> set[str]:
    """The words of a test's own data (usernames, ...), which are not interface text."""
    return {word for value in values for word in WORD.findall(value)}
