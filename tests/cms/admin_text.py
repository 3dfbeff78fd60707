"""The words an editor reads on a Wagtail admin page: text outside scripts, styles, icons,
templates and <noscript>, split into English words (issue #14).

A small check of the CMS's own, kept beside its test; ``tests/test_no_english.py`` holds the
site-wide one (and its allow-list) for the member pages.
"""

import re
from html.parser import HTMLParser

SKIPPED = {"script", "style", "svg", "template", "noscript", "textarea", "select"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            hides = tag in SKIPPED or any(name == "hidden" for name, _value in attrs)
            self.open.append((tag, hides))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        if not any(hides for _tag, hides in self.open):
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page[page.find("<body") :])
    return " ".join(parser.parts)


def english_words(page: str, *, allowed: set[str]) -> set[str]:
    text = re.sub(r"[\w.+*-]+@[\w.-]+", " ", visible_text(page))
    return {w for w in WORD.findall(text) if w.lower() not in allowed}
