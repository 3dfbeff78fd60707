"""A member withdraws, on /me/settings/, the consent to use a survey's answers for member
segments: at once out of the live count, the send and the export; nobody else's consent can
be withdrawn; visitors are sent to log in."""

import pytest

from portal.campaigns.selectors import segment_members, segment_reach
from portal.surveys.models import SurveyResponse
from portal.surveys.services import survey_submit
from tests.portal.campaigns.conftest import member
from tests.portal.campaigns.test_segment_surveys import answers, filters_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def usable(make_survey):
    return make_survey(title="户型需求调查", segment_use=True)


@pytest.fixture
def consented(usable):
    people = {name: member(name, notify_club_news=True) for name in ("alice", "bob")}
    for person in people.values():
        survey_submit(survey=usable, data=answers(), member=person, segment_consent=True)
    return people


def response_of(person, survey) -> SurveyResponse:
    return SurveyResponse.objects.get(survey=survey, respondent=person)


def test_the_settings_page_lists_the_consents_and_withdrawing_drops_the_member(
    client, usable, consented
):
    alice = consented["alice"]
    filters = filters_for(usable, "rooms", "书房")
    assert segment_reach(filters=filters)["members"] == 2
    client.force_login(alice)

    page = client.get("/me/settings/").content.decode()
    assert page.count('data-testid="survey-consent"') == 1
    assert "户型需求调查" in page and "撤回" in page

    response = client.post(
        f"/surveys/consents/{response_of(alice, usable).pk}/withdraw/", follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/me/settings/"
    assert "户型需求调查" in html and 'data-testid="survey-consent"' not in html
    assert response_of(alice, usable).segment_consent is False
    assert segment_reach(filters=filters)["members"] == 1
    assert list(segment_members(filters=filters).values_list("username", flat=True)) == ["bob"]


def test_another_members_consent_cannot_be_withdrawn(client, usable, consented):
    client.force_login(consented["alice"])
    bobs = response_of(consented["bob"], usable)

    response = client.post(f"/surveys/consents/{bobs.pk}/withdraw/")

    assert response.status_code == 404
    assert response_of(consented["bob"], usable).segment_consent is True


def test_a_withdrawn_or_unknown_consent_is_not_found_and_get_is_refused(client, usable, consented):
    alice = consented["alice"]
    mine = response_of(alice, usable)
    client.force_login(alice)

    assert client.get(f"/surveys/consents/{mine.pk}/withdraw/").status_code == 405
    assert client.post(f"/surveys/consents/{mine.pk}/withdraw/").status_code == 302
    assert client.post(f"/surveys/consents/{mine.pk}/withdraw/").status_code == 404
    assert client.post("/surveys/consents/999999/withdraw/").status_code == 404


def test_a_visitor_is_sent_to_log_in(client, usable, consented):
    mine = response_of(consented["alice"], usable)

    response = client.post(f"/surveys/consents/{mine.pk}/withdraw/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert response_of(consented["alice"], usable).segment_consent is True
    assert client.get("/me/settings/")["Location"].startswith("/accounts/login/")
