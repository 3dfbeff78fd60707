"""Segments by survey answers: only submitted responses whose respondent consented, to a survey
marked usable for segments (never an anonymous one), match; the live count, the send and the
export all use the filter; the segment permission is required."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from portal.campaigns.forms import SegmentForm
from portal.campaigns.models import Campaign, Channel, Segment
from portal.campaigns.selectors import campaign_recipients, segment_members, segment_reach
from portal.members.models import PiiAccessLog
from portal.surveys.models import SurveyPage, SurveyResponse
from portal.surveys.services import survey_draft_save, survey_submit
from tests.portal.campaigns.conftest import campaign_make, campaigns_staff, member
from tests.portal.surveys.conftest import GOOD_ANSWERS, make_survey, survey_index  # noqa: F401

pytestmark = pytest.mark.django_db


def answers(**changes):
    """The posted form data, as the view hands it to the services."""
    data = QueryDict(mutable=True)
    for name, value in {**GOOD_ANSWERS, "q-rooms": ["书房"], **changes}.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


@pytest.fixture
def usable(make_survey):  # noqa: F811
    return make_survey(title="户型需求调查", segment_use=True)


@pytest.fixture
def world(usable, make_survey):  # noqa: F811
    """Five members who all chose 书房 except ``other_choice``; only some consented."""
    people = {
        name: member(name, notify_club_news=True)
        for name in ("consented", "refused", "other_choice", "drafted", "elsewhere")
    }
    survey_submit(survey=usable, data=answers(), member=people["consented"], segment_consent=True)
    survey_submit(survey=usable, data=answers(), member=people["refused"])
    survey_submit(
        survey=usable,
        data=answers(**{"q-rooms": ["储藏室"], "q-visited": "没有"}),
        member=people["other_choice"],
        segment_consent=True,
    )
    survey_draft_save(survey=usable, member=people["drafted"], data=answers())
    # The same answer with consent, but to a survey not marked usable for segments.
    plain = make_survey(title="另一份调查")
    survey_submit(survey=plain, data=answers(), member=people["elsewhere"], segment_consent=True)
    return people


def names(queryset):
    return sorted(queryset.values_list("username", flat=True))


def filters_for(survey, question, choice):
    return {"survey": survey.pk, "survey_question": question, "survey_choice": choice}


def test_only_submitted_consented_answers_of_the_choice_match(world, usable):
    assert names(segment_members(filters=filters_for(usable, "rooms", "书房"))) == ["consented"]
    assert names(segment_members(filters=filters_for(usable, "rooms", "储藏室"))) == [
        "other_choice"
    ]
    # A single choice question too.
    assert names(segment_members(filters=filters_for(usable, "visited", "没有"))) == [
        "other_choice"
    ]
    assert names(segment_members(filters=filters_for(usable, "visited", "参观过"))) == ["consented"]
    assert segment_reach(filters=filters_for(usable, "rooms", "书房"))["members"] == 1
    # The consent is stored per response; the others (and the draft) have none.
    consents = dict(
        SurveyResponse.objects.filter(survey=usable).values_list(
            "respondent__username", "segment_consent"
        )
    )
    assert consents == {
        "consented": True,
        "refused": False,
        "other_choice": True,
        "drafted": False,
    }


def test_another_survey_a_wrong_question_or_an_unmarked_survey_match_no_one(world, usable):
    plain = SurveyPage.objects.get(title="另一份调查")
    assert not segment_members(filters=filters_for(plain, "rooms", "书房")).exists()
    assert not segment_members(filters=filters_for(usable, "visited", "书房")).exists()
    # Unmarked after the fact: the answers may no longer be used.
    SurveyPage.objects.filter(pk=usable.pk).update(segment_use=False)
    assert not segment_members(filters=filters_for(usable, "rooms", "书房")).exists()


def test_the_filter_combines_with_the_others(world, usable):
    type(world["consented"]).objects.filter(pk=world["consented"].pk).update(is_active=False)
    assert not segment_members(filters=filters_for(usable, "rooms", "书房")).exists()


def test_an_anonymous_survey_is_refused_and_its_answers_never_match(make_survey):  # noqa: F811
    page = make_survey(title="匿名调查", anonymous=True)
    page.segment_use = True
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "segment_use" in error.value.message_dict
    assert "anonymous" in error.value.message_dict["segment_use"][0]
    # Forced past the validation, the answers still name no one.
    SurveyPage.objects.filter(pk=page.pk).update(segment_use=True)
    page.refresh_from_db()
    someone = member("someone")
    survey_submit(survey=page, data=answers(), member=someone, segment_consent=True)
    response = SurveyResponse.objects.get(survey=page)
    assert (response.respondent, response.segment_consent) == (None, False)
    assert not segment_members(filters=filters_for(page, "rooms", "书房")).exists()


def test_the_member_sees_and_gives_the_consent_on_the_survey_page(client, usable, make_survey):  # noqa: F811
    plain = make_survey(title="另一份调查")
    reader = member("reader")
    client.force_login(reader)
    assert 'data-testid="segment-consent"' in client.get(usable.url).content.decode()
    assert 'data-testid="segment-consent"' not in client.get(plain.url).content.decode()

    client.post(usable.url, {**GOOD_ANSWERS, "segment_consent": "1"})
    client.post(plain.url, {**GOOD_ANSWERS, "segment_consent": "1"})  # not asked: not stored

    stored = dict(
        SurveyResponse.objects.filter(respondent=reader).values_list(
            "survey__title", "segment_consent"
        )
    )
    assert stored == {"户型需求调查": True, "另一份调查": False}


def test_the_form_lists_only_usable_surveys_and_stores_the_triple(world, usable):
    form = SegmentForm()
    groups = dict(form.fields["survey_answer"].choices[1:])
    assert list(groups) == ["户型需求调查"]
    values = [value for value, _label in groups["户型需求调查"]]
    assert f"{usable.pk}|rooms|书房" in values and f"{usable.pk}|visited|没有" in values
    assert not any("|service|" in value or "|matrix|" in value for value in values)

    form = SegmentForm({"name": "想要书房", "survey_answer": f"{usable.pk}|rooms|书房"})
    assert form.is_valid(), form.errors
    assert form.filters() == filters_for(usable, "rooms", "书房")
    segment = Segment.objects.create(name="想要书房", filters=form.filters())
    assert SegmentForm.initial_for(segment)["survey_answer"] == f"{usable.pk}|rooms|书房"

    plain = SurveyPage.objects.get(title="另一份调查")
    form = SegmentForm({"name": "x", "survey_answer": f"{plain.pk}|rooms|书房"})
    assert not form.is_valid() and "survey_answer" in form.errors


def test_live_count_send_and_export_use_the_filter(client, world, usable):
    editor = campaigns_staff("seg_editor", "view_segment", "add_segment", "export_segment")
    client.force_login(editor)
    form_page = client.get("/campaigns/segments/new/").content.decode()
    assert '<optgroup label="户型需求调查">' in form_page
    assert f'value="{usable.pk}|rooms|书房"' in form_page and "另一份调查" not in form_page
    response = client.get(
        "/campaigns/segments/count/", {"survey_answer": f"{usable.pk}|rooms|书房"}
    )
    assert response.status_code == 200
    assert response.json()["members"] == 1 and response.json()["mail"] == 1

    segment = Segment.objects.create(name="想要书房", filters=filters_for(usable, "rooms", "书房"))
    campaign = campaign_make(segment=segment, editor=editor, kind=Campaign.Kind.MARKETING)
    assert names(campaign_recipients(campaign=campaign, channel=Channel.MAIL)) == ["consented"]

    export = client.get(f"/campaigns/segments/{segment.pk}/export/")
    text = export.content.decode("utf-8-sig")
    assert "consented" in text and "refused" not in text and "drafted" not in text
    assert list(
        PiiAccessLog.objects.filter(staff=editor).values_list("member__username", flat=True)
    ) == ["consented"]


def test_a_member_or_staff_without_the_segment_permission_is_refused(client, world, usable):
    query = {"survey_answer": f"{usable.pk}|rooms|书房"}
    client.force_login(world["consented"])
    assert client.get("/campaigns/segments/count/", query).status_code == 403
    outsider = campaigns_staff("seg_outsider", "view_campaign")
    client.force_login(outsider)
    assert client.get("/campaigns/segments/count/", query).status_code == 403
    response = client.post("/campaigns/segments/new/", {"name": "想要书房", **query})
    assert response.status_code == 403
    assert not Segment.objects.exists()
