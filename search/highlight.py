"""Highlighted snippets: the reader's words marked in escaped text; only <mark> is HTML."""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_CHARS = 160
LEAD_CHARS = 40


def _pattern(terms) -> re.Pattern | None:
    return _compiled(tuple(terms))


# A page highlights twenty titles and snippets with the same words: one pattern for them all.
@lru_cache(maxsize=64)
def _compiled(terms: tuple[str, ...]) -> re.Pattern | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def highlight_title(title: str, terms) -> SafeString:
    return _marked(title, _pattern(terms))


def highlight_snippet(text: str, terms, *, length: int = SNIPPET_CHARS) -> SafeString:
    text = " ".join((text or "").split())
    pattern = _pattern(terms)
    start = 0
    if pattern is not None:
        first = pattern.search(text)
        if first is not None:
            start = max(0, first.start() - LEAD_CHARS)
    snippet = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + _marked(snippet, pattern) + suffix)  # noqa: S308
