"""The survey page's question list from kept markup (portal.surveys.rendering) and its
one-query route (views.survey_page_route): the same page as a direct render and as Wagtail's
walk, for every reader, and nothing personal in what is kept."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Page, PageViewRestriction

from portal.surveys import rendering, views
from portal.surveys.models import SurveyIndexPage, SurveyPage
from portal.surveys.services import survey_draft_save
from tests.factories import UserFactory
from tests.portal.surveys.conftest import GOOD_ANSWERS
from tests.portal.surveys.test_performance import long_answers, twenty_questions
from tests.portal.surveys.test_questions import form

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page_html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def draft_data(page, reader) -> dict:
    from portal.surveys.questions import answers_as_data
    from portal.surveys.selectors import survey_member_state

    _answered, draft = survey_member_state(survey=page, member=reader)
    return answers_as_data(draft or {}, page.question_list)


@pytest.fixture(autouse=True)
def empty_store():
    rendering.survey_markup_clear()
    yield
    rendering.survey_markup_clear()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_is_the_same_from_kept_markup_and_rendered_at_once(
    client, member, make_survey, language
):
    # Arrange: one member with a draft (boxes, a scale, a matrix, a text with markup in it),
    # one without, a survey with every kind of question.
    page = make_survey(questions=twenty_questions())
    drafted = UserFactory(username="drafted")
    answers = {**long_answers(), "q-impression_0": '<b>采光</b> & "好"'}
    survey_draft_save(survey=page, member=drafted, data=form(answers))
    pages = {}
    for cached in (False, True, True):  # rendered at once, then filled in cold and warm
        with override_settings(SURVEY_MARKUP_CACHE=cached):
            for reader in (member, drafted):
                client.force_login(reader)
                with translation.override(language):
                    html = rendering.survey_questions_html(
                        questions=page.question_list,
                        data=draft_data(page, reader),
                        errors={},
                        content_key=page.questions_raw,
                    )
                pages.setdefault(reader.username, []).append(page_html(client, page.url) + html)

    # Assert
    for html in pages.values():
        assert html[0] == html[1] == html[2]
    drafted_html = pages["drafted"][0]
    assert "&lt;b&gt;采光&lt;/b&gt; &amp; &quot;好&quot;" in drafted_html
    assert drafted_html.count(" checked") > 10
    assert pages[member.username][0].count(" checked") == 0
    assert drafted_html.count('class="survey-question') == 40  # the page, then the list alone


def test_posted_answers_with_errors_are_shown_with_their_messages(client, member, survey):
    client.force_login(member)
    response = client.post(survey.url, form({**GOOD_ANSWERS, "q-service": ""}))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="question-error"' in html
    assert 'value="参观过" checked' in html  # what was posted stays ticked


def test_kept_markup_holds_nothing_of_a_reader(client, make_survey):
    page = make_survey(questions=twenty_questions())
    drafted = UserFactory(username="drafted")
    survey_draft_save(survey=page, member=drafted, data=form(long_answers()))
    client.force_login(drafted)
    assert "采光很好" in page_html(client, page.url)

    kept = "".join("".join(texts) for texts, _slots in rendering._store.values())
    assert len(rendering._store) == 1
    assert "采光很好" not in kept and " checked" not in kept and "csrf" not in kept


def test_a_new_revision_and_another_language_are_kept_apart(client, member, survey):
    client.force_login(member)
    page_html(client, survey.url)
    survey.questions = [
        {"type": "single_choice", "value": {"key": "visited", "label": "新的题目",
                                            "required": True, "choices": ["是", "否"]}}
    ]  # fmt: skip
    survey.save_revision().publish()

    html = page_html(client, survey.url)
    survey.refresh_from_db()
    with translation.override("en"):
        english = rendering.survey_questions_html(
            questions=survey.question_list, data={}, errors={}, content_key=survey.questions_raw
        )

    assert "新的题目" in html and "样板间给您的印象" not in html
    assert len(rendering._store) == 3
    assert "新的题目" in english and 'title="required"' in english


def test_the_route_takes_one_query_and_matches_wagtails_walk(client, member, survey, monkeypatch):
    client.force_login(member)
    client.get(survey.url)

    def served():
        with CaptureQueriesContext(connection) as queries:
            html = page_html(client, survey.url)
        return html, len(queries.captured_queries)

    short_html, short_queries = served()
    # Wagtail's own walk from the site root, as before the one-query route.
    monkeypatch.setattr(views, "_survey_page_at", lambda request, path, slug: None)
    walked_html, walked_queries = served()

    assert short_html == walked_html
    assert 'data-testid="survey-form"' in short_html
    assert walked_queries - short_queries == 4  # 5 page queries became 1
    assert SurveyIndexPage.route is Page.route  # the one-query route relies on it


def test_an_unpublished_survey_and_an_unknown_slug_are_not_found(client, member, survey):
    client.force_login(member)
    survey.unpublish()

    assert client.get(survey.url if survey.url else "/surveys/survey-1/").status_code == 404
    assert client.get("/surveys/no-such-survey/").status_code == 404


def test_a_view_restriction_still_applies(client, member, survey):
    PageViewRestriction.objects.create(
        page=survey, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    client.force_login(member)

    html = client.get(survey.url).content.decode()

    assert 'data-testid="survey-form"' not in html
    assert "password" in html.lower()


def test_a_survey_with_a_chinese_slug_is_served(client, member, make_survey):
    page = make_survey(slug="满意度")
    client.force_login(member)

    html = page_html(client, page.url)

    assert page.url.endswith("/满意度/") or "%E6%BB%A1" in page.url
    assert 'data-testid="survey-form"' in html


def test_a_survey_served_under_another_site_root_is_routed_by_wagtail(client, member, survey):
    SurveyPage.objects.filter(pk=survey.pk).update(url_path="/elsewhere/survey-1/")
    client.force_login(member)

    assert client.get("/surveys/survey-1/").status_code == 200  # found by Wagtail's walk
