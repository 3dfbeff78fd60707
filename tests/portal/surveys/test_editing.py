"""Editors write surveys in Wagtail; an approver publishes them (the news workflow)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from portal.surveys.models import SurveyPage
from tests.factories import UserFactory
from tests.portal.surveys.conftest import QUESTIONS


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_editor_submits_a_survey_for_approval(client, editor, survey_index):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=("surveys", "surveypage", survey_index.pk))
    form = client.get(url)
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data.update(
        {"title": "社区活动回访", "slug": "revisit", "audience": "members", "questions-count": "0"}
    )
    data["action-submit"] = "1"

    response = client.post(url, data)

    assert response.status_code == 302
    page = SurveyPage.objects.get(slug="revisit")
    assert not page.live
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    client.logout()
    assert "社区活动回访" not in client.get("/surveys/").content.decode()


def test_members_cannot_open_the_survey_editor(client, member, survey_index):
    client.force_login(member)
    url = reverse("wagtailadmin_pages:add", args=("surveys", "surveypage", survey_index.pk))

    assert client.get(url).status_code == 302  # to the admin login: no admin access


def test_broken_conditions_and_dates_are_refused_on_save(survey):
    questions = [dict(block) for block in QUESTIONS]
    questions[2] = {
        "type": "text",
        "value": {**QUESTIONS[2]["value"], "show_if_key": "service"},  # a rating, not a choice
    }
    survey.questions = questions
    survey.opens_at = survey.closes_at

    with pytest.raises(ValidationError) as refused:
        survey.full_clean()

    assert set(refused.value.message_dict) >= {"questions", "closes_at"}


def test_an_answered_anonymous_survey_stays_anonymous(make_survey, member):
    from portal.surveys.services import survey_submit
    from tests.portal.surveys.conftest import GOOD_ANSWERS
    from tests.portal.surveys.test_questions import form

    page = make_survey(anonymous=True)
    survey_submit(survey=page, data=form(GOOD_ANSWERS), member=member)
    page.anonymous = False

    with pytest.raises(ValidationError) as refused:
        page.full_clean()

    assert "anonymous" in refused.value.message_dict


def test_editors_preview_shows_the_questions(client, survey):
    admin = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=(survey.pk,)))

    assert response.content.decode().count('class="survey-question') == 6
