"""Cost that does not grow: a long survey renders, and results aggregate, in a fixed number of
queries whatever the number of questions or responses (timings: docs/surveys.md)."""

from portal.surveys.selectors import survey_results
from portal.surveys.services import survey_submit
from tests.factories import UserFactory
from tests.portal.surveys.conftest import GOOD_ANSWERS, QUESTIONS
from tests.portal.surveys.test_questions import form


def twenty_questions():
    blocks = []
    for n in range(4):
        for block in QUESTIONS[1:]:
            value = {**block["value"], "key": f"{block['value']['key']}_{n}"}
            if value.get("show_if_key"):
                value["show_if_key"] = f"{value['show_if_key']}_{n}"
            blocks.append({"type": block["type"], "value": value})
    return blocks[:20]


def test_a_twenty_question_survey_renders_in_few_queries(
    client, member, make_survey, django_assert_max_num_queries
):
    page = make_survey(questions=twenty_questions())
    assert len(page.question_list) == 20
    client.force_login(member)
    client.get(page.url)  # warm the site and session caches

    with django_assert_max_num_queries(15):
        html = client.get(page.url).content.decode()

    assert html.count('class="survey-question') == 20


def test_results_take_the_same_queries_for_many_responses(
    client, make_survey, django_assert_num_queries
):
    page = make_survey()
    for n in range(2):
        survey_submit(survey=page, data=form(GOOD_ANSWERS), member=UserFactory(username=f"r{n}"))
    with django_assert_num_queries(2) as few:  # the GROUP BY and the latest free texts
        survey_results(survey=page)
    for n in range(2, 12):
        survey_submit(survey=page, data=form(GOOD_ANSWERS), member=UserFactory(username=f"r{n}"))

    with django_assert_num_queries(len(few.captured_queries)):
        results = survey_results(survey=page)

    assert results[0].answered == 12
