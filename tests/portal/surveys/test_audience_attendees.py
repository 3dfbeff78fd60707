"""Audience "members checked in at an activity" (the activity's 回访 survey): only attendees
may answer; signed up without coming, another activity's attendees and visitors are refused."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.models import HomePage
from portal.activities.models import ActivityIndexPage, Signup
from portal.surveys.audiences import survey_audience_includes
from portal.surveys.models import SurveyParticipation, SurveyResponse
from tests.activities.conftest import make_activity, publish_child
from tests.factories import UserFactory
from tests.portal.surveys.conftest import GOOD_ANSWERS


@pytest.fixture
def people(db):
    index = publish_child(
        HomePage.objects.get(), ActivityIndexPage(title="会员活动", slug="activities")
    )
    tea = make_activity(index, days=-1, title="茶艺沙龙", slug="tea")
    run = make_activity(index, days=-4, title="晨跑", slug="run")
    now = timezone.now()
    users = {}
    for name, activity, fields in (
        ("came", tea, {"status": "confirmed", "checked_in_at": now}),
        ("absent", tea, {"status": "confirmed", "no_show": True}),
        ("runner", run, {"status": "confirmed", "checked_in_at": now}),
    ):
        users[name] = UserFactory(username=name)
        Signup.objects.create(activity=activity, member=users[name], **fields)
    users["tea"] = tea
    return users


@pytest.fixture
def followup(people, make_survey):
    return make_survey(title="茶艺沙龙回访", audience="attendees", activity=people["tea"])


def test_only_the_activity_s_attendees_are_in_the_audience(people, followup, member):
    includes = [
        survey_audience_includes(survey=followup, user=user)
        for user in (people["came"], people["absent"], people["runner"], member, AnonymousUser())
    ]
    assert includes == [True, False, False, False, False]


def test_the_attendee_finds_and_answers_it_others_are_refused(client, people, followup):
    client.force_login(people["runner"])
    assert "茶艺沙龙回访" not in client.get("/surveys/").content.decode()
    response = client.post(followup.url, GOOD_ANSWERS)
    assert response.status_code == 400 and not SurveyResponse.objects.exists()

    client.force_login(people["came"])
    html = client.get("/surveys/").content.decode()
    assert html.count('data-testid="survey"') == 1 and "茶艺沙龙回访" in html
    client.post(followup.url, GOOD_ANSWERS)

    assert SurveyParticipation.objects.get().member == people["came"]
    assert SurveyResponse.objects.get().status == "submitted"


def test_the_attendees_audience_needs_an_activity(make_survey):
    survey = make_survey(title="缺活动的回访")
    survey.audience = "attendees"
    with pytest.raises(ValidationError) as error:
        survey.full_clean()
    assert "activity" in error.value.message_dict


def test_a_deleted_activity_leaves_nobody_in_the_audience(people, followup):
    people["tea"].delete()
    followup.refresh_from_db()
    assert followup.activity is None
    assert not survey_audience_includes(survey=followup, user=people["came"])


def test_my_activities_links_an_attendee_to_the_follow_up_survey(
    client, people, followup, make_survey
):
    make_survey(title="已结束的回访", audience="attendees", activity=people["tea"],
                opens_at=timezone.now() - datetime.timedelta(days=9),
                closes_at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    client.force_login(people["came"])
    html = client.get("/me/activities/").content.decode()
    assert html.count('data-testid="activity-followup"') == 1
    assert "回访问卷：茶艺沙龙回访" in html and followup.url in html

    client.force_login(people["absent"])  # signed up, did not come: no 回访
    assert 'data-testid="activity-followup"' not in client.get("/me/activities/").content.decode()
