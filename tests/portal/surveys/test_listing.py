import datetime

from django.utils import timezone

from portal.surveys.models import UnitArea
from portal.surveys.services import owners_vote_create, survey_submit
from tests.portal.surveys.conftest import GOOD_ANSWERS
from tests.portal.surveys.test_questions import form


def test_listing_shows_what_the_reader_may_answer(
    client, member, owner_a, owner_b, project_a, staff_admin, make_survey
):
    public = make_survey(title="公开问卷", audience="everyone")
    members_only = make_survey(title="会员问卷")
    owners_only = make_survey(title="翠湖业主问卷", audience="owners", projects=[project_a])
    make_survey(title="已结束问卷", closes_at=timezone.now() - datetime.timedelta(days=1),
                opens_at=timezone.now() - datetime.timedelta(days=5))  # fmt: skip
    UnitArea.objects.create(project=project_a, building="1栋", unit="101", area="90")
    owners_vote_create(
        project=project_a,
        title="加装连廊",
        description="…",
        closes_at=timezone.now() + datetime.timedelta(days=3),
        by=staff_admin,
    )
    survey_submit(survey=members_only, data=form(GOOD_ANSWERS), member=owner_a)

    def listed(user):
        client.logout()
        if user:
            client.force_login(user)
        html = client.get("/surveys/").content.decode()
        return html.count('data-testid="survey"'), html.count('data-testid="vote"'), html

    visitor = listed(None)
    assert visitor[:2] == (1, 0) and public.title in visitor[2]
    assert listed(member)[:2] == (2, 0)
    owner = listed(owner_a)
    assert owner[:2] == (2, 1) and owners_only.title in owner[2] and "加装连廊" in owner[2]
    assert listed(owner_b)[:2] == (2, 0)
