import datetime

import pytest
from django.utils import timezone

from cms.models import HomePage
from portal.members.services import unit_ownership_verify
from portal.surveys.models import SurveyIndexPage, SurveyPage, UnitArea
from portal.surveys.services import owners_vote_cast, owners_vote_create
from tests.factories import UnitOwnershipFactory, UserFactory

QUESTIONS = [
    {"type": "section", "value": {"heading": "基本情况", "text": ""}},
    {
        "type": "single_choice",
        "value": {"key": "visited", "label": "您参观过样板间吗？", "required": True,
                  "choices": ["参观过", "没有"]},
    },
    {
        "type": "text",
        "value": {"key": "impression", "label": "样板间给您的印象", "required": True,
                  "show_if_key": "visited", "show_if_answer": "参观过", "long": True},
    },
    {
        "type": "multiple_choice",
        "value": {"key": "rooms", "label": "您需要的房间", "required": False,
                  "choices": ["书房", "儿童房", "储藏室"]},
    },
    {"type": "rating", "value": {"key": "service", "label": "服务满意度", "required": True,
                                 "scale": 5}},
    {"type": "nps", "value": {"key": "recommend", "label": "推荐给朋友的可能性", "required": True}},
    {
        "type": "matrix",
        "value": {"key": "matrix", "label": "请评价", "required": False,
                  "rows": ["绿化", "停车"], "columns": ["好", "一般", "差"]},
    },
]  # fmt: skip

GOOD_ANSWERS = {
    "q-visited": "参观过",
    "q-impression": "采光很好",
    "q-rooms": ["书房", "储藏室"],
    "q-service": "4",
    "q-recommend": "9",
    "q-matrix-0": "好",
    "q-matrix-1": "差",
}


@pytest.fixture
def survey_index(db):
    home = HomePage.objects.get()
    index = SurveyIndexPage(title="问卷调查", slug="surveys")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def make_survey(survey_index):
    def make(**fields):
        fields.setdefault("title", "样板间满意度调查")
        fields.setdefault("slug", f"survey-{SurveyPage.objects.count() + 1}")
        fields.setdefault("questions", QUESTIONS)
        fields.setdefault("closes_at", timezone.now() + datetime.timedelta(days=7))
        levels = fields.pop("levels", [])
        projects = fields.pop("projects", [])
        page = SurveyPage(**fields)
        survey_index.add_child(instance=page)
        page.levels.set(levels)
        page.projects.set(projects)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def survey(make_survey):
    return make_survey()


# --- owners' votes: six units of 1栋 in the vote, 2栋-201 of the register outside it


def own(project, username, unit, *, by, building="1栋", verify=True):
    ownership = UnitOwnershipFactory(
        member=UserFactory(username=username), project=project, building=building, unit=unit
    )
    if verify:
        unit_ownership_verify(ownership=ownership, by=by)
    return ownership


@pytest.fixture
def register(project_a):
    areas = ["90.00", "90.00", "120.50", "150.00", "60.25", "89.25"]
    for n, area in enumerate(areas, start=1):
        UnitArea.objects.create(project=project_a, building="1栋", unit=f"10{n}", area=area)
    UnitArea.objects.create(project=project_a, building="2栋", unit="201", area="100")
    return areas


@pytest.fixture
def vote(project_a, register, staff_admin):
    return owners_vote_create(
        project=project_a,
        title="加装连廊",
        description="在 1 栋与 2 栋之间加装连廊。",
        closes_at=timezone.now() + datetime.timedelta(days=7),
        buildings="1栋",
        by=staff_admin,
    )


def options(vote):
    return {o.label: o for o in vote.options.all()}


def cast(vote, ownership, label):
    unit = vote.units.get(building=ownership.building, unit=ownership.unit)
    return owners_vote_cast(
        vote=vote, vote_unit_id=unit.pk, option_id=options(vote)[label].pk, member=ownership.member
    )
