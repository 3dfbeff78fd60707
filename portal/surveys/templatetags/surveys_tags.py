from django import template
from django.utils.safestring import mark_safe

from portal.surveys.rendering import (
    MARKER,
    SLOTS,
    answer_for,
    answers_for,
    slot_output,
    survey_questions_html,
)
from portal.surveys.selectors import survey_segment_consents_for

register = template.Library()


register.filter("answer_for", answer_for)
register.filter("answers_for", answers_for)


def _slot(context, *, mode: str, field: str, value) -> str:
    slots = context.get(SLOTS)
    if slots is None:
        return mark_safe(
            slot_output(
                mode=mode, field=field, value=value, data=context.get("data"), context=context
            )
        )
    slots.append((mode, field, value))
    return mark_safe(f"{MARKER}{len(slots) - 1}{MARKER}")


@register.simple_tag(takes_context=True)
def survey_checked(context, field, value, mode="one"):
    """`` checked`` when the reader's answer to ``field`` is ``value``: ``one`` compares the
    answer, ``text`` its text (scale points), ``many`` looks for it among the answers."""
    if mode not in ("one", "text", "many"):
        raise template.TemplateSyntaxError(f"survey_checked: unknown mode {mode!r}")
    return _slot(context, mode=mode, field=field, value=value)


@register.simple_tag(takes_context=True)
def survey_text(context, field):
    """The reader's text answer to ``field``, escaped."""
    return _slot(context, mode="value", field=field, value=None)


@register.simple_tag(takes_context=True)
def survey_questions(context):
    """The survey's question list (``surveys/_questions.html``), from the markup kept per
    content and language with the reader's answers filled in."""
    page = context.get("page")
    return survey_questions_html(
        questions=context.get("questions"),
        data=context.get("data"),
        errors=context.get("errors"),
        content_key=page.questions_raw if page is not None else None,
    )


@register.inclusion_tag("surveys/_segment_consents.html", takes_context=True)
def survey_segment_consents(context):
    """The member's settings page: the surveys whose answers they allowed to be used for member
    segments, each with a withdraw button (the settings page belongs to ``portal.members``,
    which does not import the surveys; the template asks this tag)."""
    request = context.get("request")
    member = getattr(request, "user", None)
    return {
        "consents": survey_segment_consents_for(member=member) if member else [],
        "csrf_token": context.get("csrf_token"),
    }
