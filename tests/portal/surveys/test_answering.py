import datetime
import os
import threading

import pytest
from django.core import signing
from django.db import connections
from django.utils import timezone

from portal.members.models import MemberLevel, PointsEntry, PointsRule
from portal.members.profiles import member_profile_ensure
from portal.surveys.models import SurveyAnswer, SurveyParticipation, SurveyResponse
from portal.surveys.services import SurveyError, survey_submit
from portal.surveys.views import VISITOR_COOKIE, VISITOR_SALT
from tests.factories import UserFactory
from tests.portal.surveys.conftest import GOOD_ANSWERS
from tests.portal.surveys.test_questions import form


@pytest.fixture
def points_rule(db):
    return PointsRule.objects.create(
        code="survey_completed", name="完成问卷", reward_points=20, category="research"
    )


def test_member_answers_once_and_is_paid_once(client, member, survey, points_rule):
    client.force_login(member)

    first = client.post(survey.url, GOOD_ANSWERS)
    second = client.post(survey.url, GOOD_ANSWERS)

    assert 'data-testid="survey-done"' in first.content.decode()
    assert second.status_code == 400
    assert "您已经回答过这份问卷" in second.content.decode()
    assert SurveyResponse.objects.filter(survey=survey, status="submitted").count() == 1
    assert (
        SurveyAnswer.objects.filter(survey=survey, question="rooms").exclude(value="").count() == 2
    )
    assert list(PointsEntry.objects.filter(member=member).values_list("amount", flat=True)) == [20]


def test_draft_is_kept_and_refilled_then_submitted(client, member, survey):
    client.force_login(member)

    client.post(survey.url, {"action": "draft", "q-visited": "参观过", "q-service": "5"})
    page = client.get(survey.url).content.decode()

    assert 'value="参观过" checked' in page
    assert 'name="q-service" value="5" checked' in page
    assert SurveyParticipation.objects.count() == 0
    client.post(survey.url, GOOD_ANSWERS)
    response = SurveyResponse.objects.get(survey=survey)
    assert (response.status, response.respondent, response.draft) == ("submitted", member, {})


def test_incomplete_answers_are_refused_with_messages_and_nothing_recorded(client, member, survey):
    client.force_login(member)

    response = client.post(survey.url, {"q-visited": "参观过"})

    assert response.status_code == 400
    assert response.content.decode().count('data-testid="question-error"') == 3
    assert not SurveyResponse.objects.exists() and not SurveyParticipation.objects.exists()


def test_closed_and_not_yet_open_surveys_refuse_answers(client, member, make_survey):
    closed = make_survey(
        opens_at=timezone.now() - datetime.timedelta(days=9),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    future = make_survey(opens_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(member)

    for page, message in ((closed, "问卷已于"), (future, "尚未开始")):
        response = client.post(page.url, GOOD_ANSWERS)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_audiences(member, owner_a, owner_b, project_a, make_survey):
    gold = MemberLevel.objects.get(code="gold")
    profile = member_profile_ensure(user=member)
    profile.level = gold
    profile.save()
    everyone = make_survey(audience="everyone")
    members = make_survey(audience="members")
    gold_only = make_survey(audience="levels", levels=[gold])
    owners_a = make_survey(audience="owners", projects=[project_a])
    cases = make_survey(audience="case_authors")
    from django.contrib.auth.models import AnonymousUser

    from portal.surveys.audiences import survey_audience_includes as includes

    visitor = AnonymousUser()
    assert [includes(survey=s, user=visitor) for s in (everyone, members)] == [True, False]
    assert includes(survey=gold_only, user=member) and not includes(survey=gold_only, user=owner_a)
    assert includes(survey=owners_a, user=owner_a)
    assert not includes(survey=owners_a, user=owner_b)
    assert not includes(survey=owners_a, user=member)
    assert not includes(survey=cases, user=member)


def test_member_outside_the_audience_is_refused(client, owner_b, project_a, make_survey):
    page = make_survey(audience="owners", projects=[project_a])
    client.force_login(owner_b)

    response = client.post(page.url, GOOD_ANSWERS)

    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_visitor_answers_with_a_signed_token_once(client, make_survey):
    page = make_survey(audience="everyone")

    first = client.post(page.url, GOOD_ANSWERS)
    second = client.post(page.url, GOOD_ANSWERS)

    assert VISITOR_COOKIE in first.cookies
    assert second.status_code == 400
    assert SurveyResponse.objects.filter(survey=page, respondent=None).count() == 1


def test_tampered_visitor_token_is_refused(client, make_survey):
    page = make_survey(audience="everyone")
    token = signing.dumps("abc", salt=VISITOR_SALT)
    client.cookies[VISITOR_COOKIE] = token[:-2] + "xx"

    response = client.post(page.url, GOOD_ANSWERS)

    assert response.status_code == 400
    assert "令牌无效" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_visitors_are_rate_limited(client, make_survey):
    page = make_survey(audience="everyone")
    for _n in range(10):
        client.cookies.pop(VISITOR_COOKIE, None)
        assert client.post(page.url, GOOD_ANSWERS).status_code == 200
    client.cookies.pop(VISITOR_COOKIE, None)

    response = client.post(page.url, GOOD_ANSWERS)

    assert response.status_code == 400
    assert SurveyResponse.objects.count() == 10


def test_visitor_may_not_answer_a_members_survey(client, survey):
    response = client.post(survey.url, GOOD_ANSWERS)

    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_anonymous_response_does_not_name_the_member(member, make_survey, points_rule):
    page = make_survey(anonymous=True)

    response = survey_submit(survey=page, data=form(GOOD_ANSWERS), member=member)

    response.refresh_from_db()
    assert response.respondent is None
    assert (response.submitted_at.minute, response.submitted_at.second) == (0, 0)
    assert SurveyParticipation.objects.filter(survey=page, member=member).exists()
    assert PointsEntry.objects.filter(member=member).count() == 1
    with pytest.raises(SurveyError):
        survey_submit(survey=page, data=form(GOOD_ANSWERS), member=member)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads need a server database",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_submissions_record_one_response(make_survey):
    member = UserFactory(username="racer")
    PointsRule.objects.create(code="survey_completed", name="完成问卷", reward_points=20)
    page = make_survey()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            survey_submit(survey=page, data=form(GOOD_ANSWERS), member=member)
            outcomes.append("ok")
        except SurveyError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert SurveyResponse.objects.filter(survey=page).count() == 1
    assert SurveyAnswer.objects.filter(survey=page, question="visited").count() == 1
    assert PointsEntry.objects.filter(member=member).count() == 1


def test_a_refused_submission_keeps_the_scale_points_given(client, member, survey):
    client.force_login(member)

    page = client.post(survey.url, {"q-service": "4", "q-recommend": "10"}).content.decode()

    assert page.count('name="q-service" value="4" checked') == 1
    assert page.count('name="q-recommend" value="10" checked') == 1
    assert page.count(" checked") == 2  # no other point (1 of 10, 0 of 10) is taken for it
