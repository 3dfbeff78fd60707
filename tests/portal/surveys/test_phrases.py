"""Recurring phrases of free-text answers (issue 19): mined by a background task, kept per
survey and question, read by the results page under the small-group rule."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.signals import task_enqueued

from portal.surveys.models import SurveyPhrase, SurveyTextPhrases
from portal.surveys.phrases import (
    answer_phrases,
    question_stop_words,
    survey_phrases_refresh,
)
from portal.surveys.services import survey_submit
from tests.factories import UserFactory
from tests.portal.surveys.conftest import GOOD_ANSWERS
from tests.portal.surveys.test_questions import form

# 收纳空间 in six answers, 主卧窗户 in four, 厨房操作台 in five.
IMPRESSIONS = [
    "收纳空间不够用",
    "收纳空间偏少，客厅很大",
    "样板间的收纳空间很实用",
    "希望收纳空间再多一些",
    "收纳空间很合理",
    "收纳空间和采光都满意",
    "主卧窗户太小",
    "主卧窗户朝北",
    "主卧窗户有点暗",
    "主卧窗户隔音一般",
    "厨房操作台太矮",
    "厨房操作台不够长",
    "厨房操作台用料好",
    "厨房操作台缺插座",
    "厨房操作台很宽敞",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the "already queued" marks and the cached results
    yield
    cache.clear()


@pytest.fixture
def analyst(db):
    user = UserFactory(username="analyst")
    user.user_permissions.add(Permission.objects.get(codename="view_survey_results"))
    return user


def answer_all(page, texts, *, prefix="r"):
    members = []
    for n, text in enumerate(texts):
        member = UserFactory(username=f"{prefix}{n}", display_name=f"答题人{prefix}{n}")
        survey_submit(survey=page, data=form({**GOOD_ANSWERS, "q-impression": text}), member=member)
        members.append(member)
    return members


def test_phrases_are_counted_by_the_answers_containing_them():
    found = {p.text: len(p.answer_ids) for p in answer_phrases(list(enumerate(IMPRESSIONS)))}

    assert found["收纳空间"] == 6
    assert found["厨房操作台"] == 5
    assert "主卧窗户" not in found  # four answers: under the small-group rule
    # 收纳 and 厨房 only occur inside the kept phrases: folded into them.
    assert "收纳" not in found
    assert "厨房" not in found


def test_fewer_than_five_answers_give_no_phrase():
    assert answer_phrases(list(enumerate(["收纳空间不够"] * 4))) == []
    assert [p.text for p in answer_phrases(list(enumerate(["收纳空间不够"] * 5)))] == [
        "收纳空间不够"
    ]


def test_the_question_words_are_stop_words(survey):
    impression = next(q for q in survey.question_list if q.key == "impression")
    stops = question_stop_words(impression)
    texts = ["样板间很漂亮", "样板间挺好", "样板间不错", "样板间很大", "样板间一般"]

    assert stops == {"样板间", "印象"}
    assert "样板间" in {p.text for p in answer_phrases(list(enumerate(texts)))}
    assert answer_phrases(list(enumerate(texts)), stops=stops) == []


def test_the_results_page_shows_phrases_of_five_answers_or_more(client, analyst, survey):
    answer_all(survey, IMPRESSIONS)
    survey_phrases_refresh(survey_id=survey.pk)
    client.force_login(analyst)

    html = client.get(f"/surveys/results/{survey.pk}/").content.decode()

    assert html.count('data-testid="survey-phrase"') == 2
    assert '<strong data-testid="survey-phrase-text">收纳空间</strong>' in html
    assert '<strong data-testid="survey-phrase-text">厨房操作台</strong>' in html
    assert "6 条回答提到" in html and "5 条回答提到" in html
    assert 'data-testid="survey-phrase-text">主卧窗户' not in html
    assert "基于 15 条回答" in html
    # Examples: the answers' text, expandable under the phrase.
    assert "<li>收纳空间不够用</li>" in html


def test_a_question_with_fewer_than_five_answers_shows_no_phrase(client, analyst, survey):
    answer_all(survey, ["收纳空间不够"] * 4)
    survey_phrases_refresh(survey_id=survey.pk)
    client.force_login(analyst)

    html = client.get(f"/surveys/results/{survey.pk}/").content.decode()

    assert 'data-testid="survey-phrases-suppressed"' in html
    assert 'data-testid="survey-phrase"' not in html


def test_new_answers_since_the_computation_are_counted(client, analyst, survey):
    answer_all(survey, IMPRESSIONS)
    survey_phrases_refresh(survey_id=survey.pk)
    answer_all(survey, ["客厅很大", "客厅很亮"], prefix="late")
    client.force_login(analyst)

    html = client.get(f"/surveys/results/{survey.pk}/").content.decode()

    assert "基于 15 条回答，此后新增 2 条回答" in html


def test_an_anonymous_survey_shows_phrases_and_examples_without_respondents(
    client, analyst, make_survey
):
    page = make_survey(anonymous=True)
    members = answer_all(page, IMPRESSIONS)
    survey_phrases_refresh(survey_id=page.pk)
    client.force_login(analyst)

    html = client.get(f"/surveys/results/{page.pk}/").content.decode()
    # A random CSRF token may hold a short username ("r1") by chance: not a respondent's.
    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*"', r'\1"', html)

    assert '<strong data-testid="survey-phrase-text">收纳空间</strong>' in html
    assert 'data-testid="survey-phrase-examples"' in html
    for member in members:
        assert member.username not in html
        assert member.display_name not in html


def test_recomputing_replaces_the_kept_phrases(survey):
    answer_all(survey, IMPRESSIONS)
    survey_phrases_refresh(survey_id=survey.pk)
    old = set(SurveyPhrase.objects.values_list("pk", flat=True))
    answer_all(survey, ["卫生间干湿分离"] * 5, prefix="more")

    result = survey_phrases_refresh(survey_id=survey.pk)

    assert result["phrases"] == 3
    assert SurveyTextPhrases.objects.filter(survey=survey).count() == 1
    assert not SurveyPhrase.objects.filter(pk__in=old).exists()
    assert dict(SurveyPhrase.objects.values_list("text", "answers")) == {
        "收纳空间": 6,
        "厨房操作台": 5,
        "卫生间干湿分离": 5,
    }
    kept = SurveyTextPhrases.objects.get(survey=survey)
    assert (kept.answers, kept.answers_total) == (20, 20)


def test_the_recompute_button_computes_for_staff_with_the_results_permission(
    client, analyst, survey, django_capture_on_commit_callbacks
):
    answer_all(survey, IMPRESSIONS)
    client.force_login(analyst)
    page = client.get(f"/surveys/results/{survey.pk}/").content.decode()
    assert 'data-testid="survey-phrases-none"' in page
    assert 'data-testid="survey-phrases-recompute"' in page

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(f"/surveys/results/{survey.pk}/phrases/")

    assert len(queued) == 1
    assert response["Location"] == f"/surveys/results/{survey.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "正在重新统计常见说法" in html
    assert '<strong data-testid="survey-phrase-text">收纳空间</strong>' in html


def test_the_recompute_button_and_the_page_are_refused_to_others(client, survey, member):
    answer_all(survey, IMPRESSIONS)
    staff = UserFactory(username="staff_no_results", is_staff=True)
    url = f"/surveys/results/{survey.pk}/phrases/"
    for user in (None, member, staff):
        client.logout()
        if user is not None:
            client.force_login(user)

        assert client.post(url).status_code == 403
        assert client.get(f"/surveys/results/{survey.pk}/").status_code == 403
    assert client.get(url).status_code == 405  # POST only
    assert not SurveyTextPhrases.objects.exists()


def test_a_survey_is_queued_once_when_it_closes(make_survey):
    closing = make_survey()
    still_open = make_survey()
    answer_all(closing, IMPRESSIONS)
    answer_all(still_open, IMPRESSIONS[:5], prefix="o")
    queued = []

    def record(sender, task_result, **kwargs):
        if task_result.task.name == "survey_phrases_task":
            queued.append(task_result.kwargs)

    task_enqueued.connect(record)
    try:
        call_command("survey_phrases", "--closed")
        assert queued == []  # nothing has closed yet
        closing.closes_at = timezone.now() - datetime.timedelta(minutes=1)
        closing.save(update_fields=["closes_at"])

        call_command("survey_phrases", "--closed")
        call_command("survey_phrases", "--closed")  # computed since closing: not again
    finally:
        task_enqueued.disconnect(record)

    assert queued == [{"survey_id": closing.pk}]
    assert SurveyPhrase.objects.filter(phrase_set__survey=closing, text="收纳空间").exists()
    assert not SurveyTextPhrases.objects.filter(survey=still_open).exists()


def test_the_command_computes_every_open_and_closed_survey(make_survey, capsys):
    open_survey = make_survey()
    closed = make_survey()
    answer_all(open_survey, IMPRESSIONS)
    answer_all(closed, IMPRESSIONS[:6], prefix="c")
    closed.closes_at = timezone.now() - datetime.timedelta(days=1)
    closed.save(update_fields=["closes_at"])

    call_command("survey_phrases")

    out = capsys.readouterr().out
    assert f"{open_survey.pk} " in out and f"{closed.pk} " in out
    assert "phrases=2" in out and "phrases=1" in out
    assert set(SurveyTextPhrases.objects.values_list("survey_id", flat=True)) == {
        open_survey.pk,
        closed.pk,
    }


def test_the_results_page_reads_phrases_in_constant_queries(client, analyst, make_survey):
    client.force_login(analyst)

    def queries_of(page):
        cache.clear()
        client.get(f"/surveys/results/{page.pk}/")  # site and session caches
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/surveys/results/{page.pk}/").content.decode()
        assert 'data-testid="survey-phrase"' in html
        phrase_reads = [q for q in queries.captured_queries if "surveytextphrases" in q["sql"]]
        assert len(phrase_reads) == 1
        return len(queries.captured_queries)

    small, large = make_survey(), make_survey()
    answer_all(small, IMPRESSIONS[:6], prefix="s")
    answer_all(large, IMPRESSIONS * 3, prefix="l")
    survey_phrases_refresh(survey_id=small.pk)
    survey_phrases_refresh(survey_id=large.pk)

    assert queries_of(small) == queries_of(large)


def test_a_second_click_while_queued_queues_nothing(client, analyst, survey):
    answer_all(survey, IMPRESSIONS[:5])
    client.force_login(analyst)
    url = f"/surveys/results/{survey.pk}/phrases/"

    # Inside the test's transaction the first task waits for a commit that never comes.
    client.post(url)
    html = client.post(url, follow=True).content.decode()

    assert "常见说法已在排队重新统计" in html
    assert not SurveyTextPhrases.objects.exists()


def test_a_survey_deleted_before_its_task_ran_is_skipped(db):
    assert survey_phrases_refresh(survey_id=999999)["questions"] == 0
