"""A survey's questions as plain objects, the answers a reader sent, and the skip logic.

``survey_questions(stream)`` reads the page's StreamField; ``answers_clean`` turns posted
form data into normalised answers (``str`` for a single choice or text, ``list[str]`` for a
multiple choice, ``int`` for a rating or NPS, ``dict[row, column]`` for a matrix) and the errors
to show. A question whose condition is not met is hidden: its answer is dropped and it is never
required. Conditions may only point to an earlier question, so one pass in order decides.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

TEXT_MAX = 2000
CHOICE_KINDS = ("single_choice", "multiple_choice")
QUESTION_KINDS = (*CHOICE_KINDS, "rating", "nps", "text", "matrix")


@dataclass
class Question:
    kind: str
    key: str
    label: str
    help: str = ""
    required: bool = True
    choices: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    scale: int = 5
    low_label: str = ""
    high_label: str = ""
    long: bool = False
    show_if_key: str = ""
    show_if_answer: str = ""
    section: str = ""
    number: int = 0

    @property
    def field_name(self) -> str:
        return f"q-{self.key}"

    @property
    def scale_values(self) -> list[int]:
        if self.kind == "nps":
            return list(range(0, 11))
        return list(range(1, self.scale + 1))

    @cached_property
    def scale_labels(self) -> list[str]:
        """The scale's points as the text the form shows and posts; computed once per parsed
        question (``SurveyPage.question_list`` keeps the parsed questions), so rendering a
        point neither localises an integer nor formats it twice to compare with the answer."""
        return [str(value) for value in self.scale_values]

    @property
    def row_fields(self) -> list[tuple[int, str, str]]:
        return [(index, row, f"{self.field_name}-{index}") for index, row in enumerate(self.rows)]


def survey_questions(stream) -> list[Question]:
    questions = []
    section = ""
    for block in stream:
        value = block.value
        if block.block_type == "section":
            section = value["heading"]
            continue
        if block.block_type not in QUESTION_KINDS:
            continue
        questions.append(
            Question(
                kind=block.block_type,
                key=value["key"],
                label=value["label"],
                help=value.get("help") or "",
                required=bool(value.get("required")),
                choices=[c.strip() for c in value.get("choices") or [] if c and c.strip()],
                rows=[r.strip() for r in value.get("rows") or [] if r and r.strip()],
                columns=[c.strip() for c in value.get("columns") or [] if c and c.strip()],
                scale=value.get("scale") or 5,
                low_label=value.get("low_label") or "",
                high_label=value.get("high_label") or "",
                long=bool(value.get("long")),
                show_if_key=(value.get("show_if_key") or "").strip(),
                show_if_answer=(value.get("show_if_answer") or "").strip(),
                section=section,
                number=len(questions) + 1,
            )
        )
    return questions


def questions_check(questions: list[Question]) -> dict[int, str]:
    """Editors' mistakes that would break answering, by question number: duplicate codes and
    conditions on a later, unknown or non-choice question or on a choice it does not offer."""
    problems = {}
    seen: dict[str, Question] = {}
    for question in questions:
        if question.key in seen:
            problems[question.number] = _("The code “%(key)s” is used twice.") % {
                "key": question.key
            }
        elif question.show_if_key:
            target = seen.get(question.show_if_key)
            if target is None:
                problems[question.number] = _(
                    "The condition must name the code of an earlier question."
                )
            elif target.kind not in CHOICE_KINDS:
                problems[question.number] = _(
                    "A condition can only depend on a single or multiple choice question."
                )
            elif question.show_if_answer not in target.choices:
                problems[question.number] = _(
                    "The condition's answer must be one of the choices of “%(key)s”."
                ) % {"key": target.key}
        seen.setdefault(question.key, question)
    return problems


def question_visible(question: Question, answers: dict) -> bool:
    if not question.show_if_key:
        return True
    given = answers.get(question.show_if_key)
    if isinstance(given, list):
        return question.show_if_answer in given
    return given == question.show_if_answer


def _int(raw: str):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _answer_read(question: Question, data) -> tuple[object, str]:
    """(answer or None, error message or "") for one question from posted data."""
    invalid = _("This answer is not one of the choices.")
    if question.kind == "single_choice":
        raw = (data.get(question.field_name) or "").strip()
        if not raw:
            return None, ""
        return (raw, "") if raw in question.choices else (None, invalid)
    if question.kind == "multiple_choice":
        raw = [v.strip() for v in data.getlist(question.field_name) if v.strip()]
        if not raw:
            return None, ""
        if any(v not in question.choices for v in raw):
            return None, invalid
        return [c for c in question.choices if c in raw], ""
    if question.kind in ("rating", "nps"):
        raw = (data.get(question.field_name) or "").strip()
        if not raw:
            return None, ""
        number = _int(raw)
        if number not in question.scale_values:
            return None, _("Choose a value on the scale.")
        return number, ""
    if question.kind == "text":
        raw = (data.get(question.field_name) or "").strip()
        if not raw:
            return None, ""
        if len(raw) > TEXT_MAX:
            return None, _("Keep the answer under %(n)d characters.") % {"n": TEXT_MAX}
        return raw, ""
    if question.kind == "matrix":
        given = {}
        for _index, row, name in question.row_fields:
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            if raw not in question.columns:
                return None, invalid
            given[row] = raw
        if not given:
            return None, ""
        if len(given) != len(question.rows) and question.required:
            return given, _("Answer every row.")
        return given, ""
    return None, ""


def answers_clean(questions: list[Question], data, *, partial: bool = False):
    """(answers, errors): answers keyed by question code; ``partial`` (a draft) skips the
    required check but still drops invalid values."""
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        if not question_visible(question, answers):
            continue
        answer, error = _answer_read(question, data)
        if error:
            if answer is not None and partial:
                answers[question.key] = answer
            errors[question.key] = error
            continue
        if answer is None:
            if question.required and not partial:
                errors[question.key] = _("This question needs an answer.")
            continue
        answers[question.key] = answer
    if partial:
        errors = {k: v for k, v in errors.items() if k not in answers}
    return answers, errors


def answers_as_data(answers: dict, questions: list[Question]) -> dict:
    """Stored answers back into the field names of the form, to refill it (drafts)."""
    data: dict[str, object] = {}
    for question in questions:
        answer = answers.get(question.key)
        if answer is None:
            continue
        if question.kind == "matrix" and isinstance(answer, dict):
            for _index, row, name in question.row_fields:
                if row in answer:
                    data[name] = answer[row]
        else:
            data[question.field_name] = answer
    return data
