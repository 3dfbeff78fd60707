"""Post rendering: markdown first, then an allow-list sanitiser over the resulting HTML.

machina calls ``render_post`` through ``MACHINA_MARKUP_LANGUAGE``. Whatever markdown2 lets
through (raw HTML, link tricks), nh3 removes: no scripts, no event handlers, no iframes and no
``javascript:`` or ``data:`` URLs survive.
"""

import markdown2
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "code": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
MARKDOWN_EXTRAS = ["fenced-code-blocks", "tables", "strike", "cuddled-lists", "break-on-newline"]


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )


def render_post(text: str) -> str:
    html = markdown2.markdown(text or "", extras=MARKDOWN_EXTRAS)
    return sanitize_html(str(html))
