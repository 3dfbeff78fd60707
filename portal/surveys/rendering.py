"""The markup of a survey's question list, kept per content and language, with each reader's
answers filled in (issue 19: a 20-question survey under 50 ms for a member).

The question list is the same for every reader of a survey in a language; only which boxes are
ticked and what a text field holds are the reader's. ``survey_questions_html`` renders
``surveys/_questions.html`` once in *slot mode*: the tags ``{% survey_checked %}`` and
``{% survey_text %}`` then write a numbered marker and record what they stand for (a field,
a value, how to compare) instead of the reader's answer. The markup is kept in this process as
the text between the markers and the slots; a request joins the pieces, asking the same
function the tags use in a plain render (``slot_output``) what each slot holds for its data.
So the kept markup holds nothing personal (no answer, no CSRF token: the token is in the page
around it) and a rendered-at-once list and a filled-in one cannot differ.

It is kept per process (an LRU of ``CACHE_SIZE`` entries) rather than in the shared cache: the
markup is ~40 kB for 20 questions, joining it takes well under a millisecond, and a new deploy
(another template) starts with an empty store instead of reading markup written by the last
one. The key is the survey's stored question JSON (a new revision, a preview or an unsaved edit
is another key), the active language and the template. Posted answers with errors are rendered
directly: the error messages are per request, and that path is rare.
"""

import threading
from collections import OrderedDict

from django.conf import settings
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

TEMPLATE = "surveys/_questions.html"
CACHE_SIZE = 64
MARKER = "\x00"  # CharBlock's form field refuses NUL characters, so no label holds one
SLOTS = "survey_slots"


def answer_for(data, key):
    """One value given for a field (posted form data or a saved draft), or ""."""
    if not data:
        return ""
    value = data.get(key, "")
    if isinstance(value, list):
        return value[0] if value else ""
    return "" if value is None else value


def answers_for(data, key) -> list:
    """Every value given for a field (the boxes of a multiple choice)."""
    if not data:
        return []
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


_store: OrderedDict = OrderedDict()
_lock = threading.Lock()


def slot_output(*, mode: str, field: str, value, data, context=None) -> str:
    """What one reader-dependent spot of the question list shows for ``data`` (posted form
    data or a draft as form data): `` checked`` or nothing for a box, the escaped value of a
    text field. The same code serves a direct render and the filling of kept markup."""
    if mode == "one":
        return " checked" if answer_for(data, field) == value else ""
    if mode == "text":
        return " checked" if str(answer_for(data, field)) == value else ""
    if mode == "many":
        return " checked" if value in answers_for(data, field) else ""
    if mode == "value":
        return render_value_in_context(answer_for(data, field) or "", context)
    raise ValueError(mode)


def _render(context: dict, *, slots: list | None = None) -> str:
    context = dict(context)
    if slots is not None:
        context[SLOTS] = slots
    return get_template(TEMPLATE).render(context)


def _pieces(context: dict) -> tuple[tuple[str, ...], tuple]:
    slots: list = []
    html = _render({**context, "data": {}, "errors": {}}, slots=slots)
    parts = html.split(MARKER)
    texts, numbers = parts[0::2], parts[1::2]
    if numbers != [str(n) for n in range(len(slots))]:
        raise ValueError("the question markup holds a stray marker")
    return tuple(texts), tuple(slots)


class _FillContext:
    """The autoescape and localisation settings ``render_value_in_context`` reads."""

    autoescape = True
    use_l10n = None
    use_tz = None


def survey_questions_html(*, questions, data, errors, content_key: str | None) -> SafeString:
    """The question list with ``data`` filled in, from kept markup unless there are errors
    (or no content key: a list that belongs to no survey is rendered directly)."""
    context = {"questions": questions, "data": data or {}, "errors": errors or {}}
    if errors or content_key is None or not getattr(settings, "SURVEY_MARKUP_CACHE", True):
        return mark_safe(_render(context))
    key = (content_key, get_language(), TEMPLATE)
    with _lock:
        pieces = _store.get(key)
        if pieces is not None:
            _store.move_to_end(key)
    if pieces is None:
        pieces = _pieces(context)
        with _lock:
            _store[key] = pieces
            while len(_store) > CACHE_SIZE:
                _store.popitem(last=False)
    texts, slots = pieces
    data = context["data"]
    fill = _FillContext()
    out = [texts[0]]
    for (mode, field, value), text in zip(slots, texts[1:], strict=True):
        out.append(slot_output(mode=mode, field=field, value=value, data=data, context=fill))
        out.append(text)
    return mark_safe("".join(out))


def survey_markup_clear() -> None:
    with _lock:
        _store.clear()
