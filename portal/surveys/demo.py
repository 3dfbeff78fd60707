"""Demo data for seed_demo: an open satisfaction survey and an open owners' vote in 翠湖天地
(building 3栋, with a register of floor areas and a few ballots, owner1's unit still to vote).
Idempotent: pages by slug, the vote by title, neighbours by username, ballots by unit."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cms.models import HomePage
from portal.members.models import HousingProject, PointsCategory, PointsRule, UnitOwnership, User
from portal.members.services import unit_ownership_verify
from portal.surveys.models import OwnersVote, SurveyIndexPage, SurveyPage, UnitArea, VoteBallot
from portal.surveys.services import owners_vote_create

SATISFACTION_QUESTIONS = [
    {"type": "section", "value": {"heading": "物业服务", "text": ""}},
    {"type": "rating", "value": {"key": "property_service", "label": "您对物业服务的总体满意度",
                                 "required": True, "scale": 5, "low_label": "很不满意",
                                 "high_label": "非常满意"}},
    {"type": "matrix", "value": {"key": "aspects", "label": "请评价以下方面", "required": True,
                                 "rows": ["安保", "保洁", "绿化", "维修响应"],
                                 "columns": ["满意", "一般", "不满意"]}},
    {"type": "single_choice", "value": {"key": "repair", "label": "过去一年您报修过吗？",
                                        "required": True, "choices": ["报修过", "没有"]}},
    {"type": "rating", "value": {"key": "repair_speed", "label": "维修是否及时",
                                 "required": True, "scale": 5, "show_if_key": "repair",
                                 "show_if_answer": "报修过"}},
    {"type": "section", "value": {"heading": "客户会", "text": ""}},
    {"type": "multiple_choice",
     "value": {"key": "activities", "label": "您希望客户会多组织哪些活动？", "required": False,
               "choices": ["亲子活动", "运动健身", "文化讲座", "邻里聚会"]}},
    {"type": "nps", "value": {"key": "recommend", "label": "您有多大可能向亲友推荐我们的楼盘？",
                              "required": True}},
    {"type": "text", "value": {"key": "suggestion", "label": "您还有什么建议？", "required": False,
                               "long": True}},
]  # fmt: skip

# Building 3栋 of 翠湖天地: floors 15 and 16, four units each (owner1 owns 3栋-1502).
REGISTER = [
    (f"{floor}{n:02d}", area)
    for floor in (15, 16)
    for n, area in zip((1, 2, 3, 4), ("89.50", "120.30", "143.80", "98.60"), strict=True)
]
NEIGHBOURS = (
    # username, display name, unit, option
    ("cuihu_1501", "翠湖 1501 业主", "1501", "同意"),
    ("cuihu_1503", "翠湖 1503 业主", "1503", "同意"),
    ("cuihu_1504", "翠湖 1504 业主", "1504", "反对"),
    ("cuihu_1601", "翠湖 1601 业主", "1601", "同意"),
    ("cuihu_1602", "翠湖 1602 业主", "1602", None),
)
VOTE_TITLE = "3栋与会所之间加装风雨连廊"


def seed_survey() -> SurveyPage:
    home = HomePage.objects.first()
    index = SurveyIndexPage.objects.first()
    if index is None:
        index = SurveyIndexPage(title="问卷调查", slug="surveys")
        home.add_child(instance=index)
        index.save_revision().publish()
    existing = index.get_children().filter(slug="satisfaction-2026").first()
    if existing is not None:
        return existing.specific
    survey = SurveyPage(
        title="2026 年度业主满意度调查",
        slug="satisfaction-2026",
        intro="<p>感谢您抽出三分钟参与调查，您的意见将直接送到物业服务中心和客户会。</p>",
        questions=SATISFACTION_QUESTIONS,
        thank_you="感谢您的参与！完成问卷的积分已发放到您的账户。",
        audience="members",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    index.add_child(instance=survey)
    survey.save_revision().publish()
    return survey


def seed_vote(admin: User) -> OwnersVote:
    project = HousingProject.objects.get(name="翠湖天地")
    for unit, area in REGISTER:
        UnitArea.objects.get_or_create(
            project=project, building="3栋", unit=unit, defaults={"area": Decimal(area)}
        )
    vote = OwnersVote.objects.filter(project=project, title=VOTE_TITLE).first()
    if vote is None or vote.closes_at <= timezone.now():
        vote = owners_vote_create(
            project=project,
            title=VOTE_TITLE,
            description=(
                "为方便雨天出行，拟在 3 栋与会所之间加装约 40 米风雨连廊，费用由公共维修资金列支。"
                "按《民法典》第二百七十八条，本事项属于使用维修资金的重大事项。"
            ),
            buildings="3栋",
            rule="major",
            opens_at=timezone.now() - datetime.timedelta(days=2),
            closes_at=timezone.now() + datetime.timedelta(days=14),
            by=admin,
        )
    options = {o.label: o for o in vote.options.all()}
    for username, display_name, unit, option in NEIGHBOURS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": display_name, "email": f"{username}@kehuhui.example"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        ownership, _created = UnitOwnership.objects.get_or_create(
            member=user, project=project, building="3栋", unit=unit
        )
        if ownership.status != UnitOwnership.Status.VERIFIED:
            unit_ownership_verify(ownership=ownership, by=admin)
        vote_unit = vote.units.get(building="3栋", unit=unit)
        if option and not VoteBallot.objects.filter(vote_unit=vote_unit).exists():
            VoteBallot.objects.create(
                vote=vote, vote_unit=vote_unit, option=options[option], cast_by=user
            )
    return vote


@transaction.atomic
def seed(stdout) -> None:
    PointsRule.objects.get_or_create(
        code="survey_completed",
        defaults={
            "name": "完成问卷调查",
            "reward_points": 50,
            "upgrade_points": 20,
            "category": PointsCategory.RESEARCH,
        },
    )
    survey = seed_survey()
    vote = seed_vote(User.objects.get(username="admin"))
    stdout.write(
        f"Surveys: {survey.title}; owners' vote: {vote.title} ({vote.ballots.count()} ballots)"
    )
