from django.http import QueryDict

from portal.surveys.models import SurveyPage, _questions_parsed
from portal.surveys.questions import answers_clean, questions_check, survey_questions
from tests.portal.surveys.conftest import GOOD_ANSWERS


def form(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def test_complete_answers_are_normalised(survey):
    answers, errors = answers_clean(survey.question_list, form(GOOD_ANSWERS))

    assert errors == {}
    assert answers == {
        "visited": "参观过",
        "impression": "采光很好",
        "rooms": ["书房", "储藏室"],
        "service": 4,
        "recommend": 9,
        "matrix": {"绿化": "好", "停车": "差"},
    }


def test_skipped_question_is_neither_required_nor_kept(survey):
    data = {**GOOD_ANSWERS, "q-visited": "没有"}  # the impression was still posted

    answers, errors = answers_clean(survey.question_list, form(data))

    assert errors == {}
    assert "impression" not in answers


def test_shown_question_is_required(survey):
    data = {k: v for k, v in GOOD_ANSWERS.items() if k != "q-impression"}

    _answers, errors = answers_clean(survey.question_list, form(data))

    assert set(errors) == {"impression"}


def test_values_outside_the_question_are_refused(survey):
    data = {**GOOD_ANSWERS, "q-visited": "也许", "q-recommend": "11", "q-service": "²",
            "q-rooms": ["书房", "车库"], "q-matrix-0": "极好"}  # fmt: skip

    _answers, errors = answers_clean(survey.question_list, form(data))

    assert set(errors) == {"visited", "recommend", "service", "rooms", "matrix"}


def test_a_draft_keeps_valid_answers_without_requiring_the_rest(survey):
    answers, errors = answers_clean(
        survey.question_list, form({"q-visited": "没有", "q-service": "9"}), partial=True
    )

    assert answers == {"visited": "没有"}
    assert set(errors) == {"service"}


def test_editor_mistakes_in_conditions_are_found(survey):
    questions = survey_questions(survey.questions)
    questions[1].show_if_answer = "不存在的选项"
    questions[3].key = "visited"
    questions[4].show_if_key = "service_later"

    problems = questions_check(questions)

    assert set(problems) == {2, 4, 5}


def test_question_structure_is_parsed_once_per_content(survey):
    first = [q.key for q in survey.question_list]
    before = _questions_parsed.cache_info()
    again = SurveyPage.objects.get(pk=survey.pk).question_list

    assert [q.key for q in again] == first
    assert _questions_parsed.cache_info().hits == before.hits + 1
    assert _questions_parsed.cache_info().misses == before.misses

    # A new revision's questions are a new key: never the old structure.
    survey.questions = [
        {"type": "rating", "value": {"key": "only", "label": "唯一", "required": True}}
    ]
    survey.save_revision().publish()
    fresh = SurveyPage.objects.get(pk=survey.pk).question_list
    assert [(q.key, q.kind) for q in fresh] == [("only", "rating")]
