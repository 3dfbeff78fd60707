"""The question blocks of a survey page's StreamField.

Each question has a ``key`` (short code, unique in the survey) that its answers are stored
under, so editors may reword a question or reorder the survey without losing answers. Skip logic
is "show this question only if the answer to <key> is <choice>".
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

KEY_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Use lower-case letters, digits and underscores, starting with a letter."),
)


class QuestionBlock(blocks.StructBlock):
    key = blocks.CharBlock(
        label=_("code"),
        max_length=40,
        validators=[KEY_VALIDATOR],
        help_text=_("A short code, unique in this survey, e.g. q1 or layout_size."),
    )
    label = blocks.CharBlock(label=_("question"), max_length=300)
    help = blocks.CharBlock(label=_("hint"), max_length=300, required=False)
    required = blocks.BooleanBlock(label=_("answer required"), required=False, default=True)
    show_if_key = blocks.CharBlock(
        label=_("show only if the answer to (code)"), max_length=40, required=False
    )
    show_if_answer = blocks.CharBlock(label=_("is"), max_length=200, required=False)

    class Meta:
        icon = "help"


def _clean_list(value, name, errors, minimum=2):
    items = [item.strip() for item in value.get(name) or [] if item and item.strip()]
    if len(items) < minimum:
        errors[name] = ValidationError(_("Give at least %(n)d entries.") % {"n": minimum})
    elif len(set(items)) != len(items):
        errors[name] = ValidationError(_("Each entry must be different."))


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("choices"))

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        _clean_list(value, "choices", errors)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class SingleChoiceBlock(ChoiceQuestionBlock):
    class Meta:
        icon = "radio-full"
        label = _("Single choice")


class MultipleChoiceBlock(ChoiceQuestionBlock):
    class Meta:
        icon = "tasks"
        label = _("Multiple choice")


class RatingBlock(QuestionBlock):
    scale = blocks.IntegerBlock(
        label=_("points on the scale"), min_value=2, max_value=10, default=5
    )
    low_label = blocks.CharBlock(label=_("label of 1"), max_length=40, required=False)
    high_label = blocks.CharBlock(label=_("label of the top"), max_length=40, required=False)

    class Meta:
        icon = "pick"
        label = _("Rating scale")


class NpsBlock(QuestionBlock):
    class Meta:
        icon = "order"
        label = _("Recommendation score (NPS, 0–10)")


class TextQuestionBlock(QuestionBlock):
    long = blocks.BooleanBlock(label=_("long answer"), required=False, default=False)

    class Meta:
        icon = "pilcrow"
        label = _("Free text")


class MatrixBlock(QuestionBlock):
    rows = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("rows"))
    columns = blocks.ListBlock(blocks.CharBlock(max_length=60), label=_("columns"))

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        _clean_list(value, "rows", errors, minimum=1)
        _clean_list(value, "columns", errors)
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "table"
        label = _("Matrix (one choice per row)")


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)

    class Meta:
        icon = "title"
        label = _("Section")


SURVEY_BLOCKS = [
    ("section", SectionBlock()),
    ("single_choice", SingleChoiceBlock()),
    ("multiple_choice", MultipleChoiceBlock()),
    ("rating", RatingBlock()),
    ("nps", NpsBlock()),
    ("text", TextQuestionBlock()),
    ("matrix", MatrixBlock()),
]
