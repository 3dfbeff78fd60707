"""Cost that does not grow: a long survey renders, and results aggregate, in a fixed number of
queries whatever the number of questions or responses (timings: docs/surveys.md)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.surveys.selectors import (
    survey_response_count,
    survey_results,
    survey_results_cache_key,
    survey_results_cached,
)
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


def long_answers() -> dict:
    """GOOD_ANSWERS for each copy of the questions in ``twenty_questions``."""
    data = {}
    for n in range(4):
        for name, value in GOOD_ANSWERS.items():
            prefix, key, *row = name.split("-")
            data["-".join([prefix, f"{key}_{n}", *row])] = value
    return data


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


@pytest.fixture
def analyst(db):
    user = UserFactory(username="analyst")
    user.user_permissions.add(Permission.objects.get(codename="view_survey_results"))
    return user


def test_the_survey_page_takes_the_same_queries_for_5_and_20_questions(client, member, make_survey):
    counts = []
    for questions in (twenty_questions()[:5], twenty_questions()):
        page = make_survey(questions=questions)
        client.force_login(member)
        client.get(page.url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(page.url).content.decode()
        assert html.count('class="survey-question') == len(questions)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_results_page_takes_the_same_queries_for_more_responses_and_questions(
    client, analyst, make_survey
):
    client.force_login(analyst)

    def queries_of(page, dimension=""):
        cache.clear()  # the cached results would hide the aggregate queries
        client.get(f"/surveys/results/{page.pk}/?by={dimension}")  # site and session caches
        cache.delete_many(
            [
                survey_results_cache_key(survey=page, total=survey_response_count(survey=page),
                                         part=part)
                for part in ("all", "level")
            ]
        )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/surveys/results/{page.pk}/?by={dimension}")
        return len(queries.captured_queries)

    short, long = make_survey(), make_survey(questions=twenty_questions())
    for n in range(2):
        survey_submit(survey=short, data=form(GOOD_ANSWERS), member=UserFactory(username=f"a{n}"))
    few = queries_of(short), queries_of(short, "level")
    for n in range(2, 10):
        survey_submit(survey=short, data=form(GOOD_ANSWERS), member=UserFactory(username=f"a{n}"))
    survey_submit(survey=long, data=form(long_answers()), member=UserFactory(username="l"))

    assert (queries_of(short), queries_of(short, "level")) == few
    assert (queries_of(long), queries_of(long, "level")) == few


def test_cached_results_are_kept_until_a_new_response(client, analyst, survey):
    survey_submit(survey=survey, data=form(GOOD_ANSWERS), member=UserFactory(username="a"))
    client.force_login(analyst)
    url = f"/surveys/results/{survey.pk}/"
    client.get(url)

    with CaptureQueriesContext(connection) as warm:
        first = client.get(url).content.decode()
    assert not [q for q in warm.captured_queries if "surveys_surveyanswer" in q["sql"]]
    assert 'data-testid="survey-total">1 ' in first

    survey_submit(
        survey=survey,
        data=form({**GOOD_ANSWERS, "q-visited": "没有"}),
        member=UserFactory(username="b"),
    )
    results = {r.question.key: r for r in survey_results_cached(survey=survey, total=2)}
    assert results["visited"].counts[1][:2] == ("没有", 1)
