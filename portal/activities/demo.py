"""Demo activities for seed_demo: the /activities/ index, an upcoming activity open for sign-up,
a circle activity, and a past one with attendance, ratings and its experience summary.

Idempotent: pages are found by slug, the circle and group by name; dates are relative to the
first run, so a second run changes nothing.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from cms.demo import child_page_ensure, paragraphs, placeholder_image
from cms.models import HomePage
from portal.activities.models import (
    ActivityCategory,
    ActivityIndexPage,
    ActivityKind,
    ActivityPage,
    Circle,
    ExperienceSummary,
    Signup,
)
from portal.members.models import HousingProject, User
from portal.members.points import points_award

ACTIVITY_STAFF_GROUP = "活动运营"


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def seed(stdout) -> None:
    home = HomePage.objects.first()
    if home is None:
        return
    index = child_page_ensure(
        parent=home,
        model=ActivityIndexPage,
        slug="activities",
        title="会员活动",
        intro="节日、运动、文化与邻里交流活动，在线报名，凭会员卡签到，参加即得积分。",
    )
    group, _created = Group.objects.get_or_create(name=ACTIVITY_STAFF_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="activities"))
    staff = User.objects.filter(username="moderator").first()
    if staff is not None:
        staff.groups.add(group)
    wine, _created = Circle.objects.get_or_create(
        name="红酒圈", defaults={"slug": "wine", "description": "品鉴与交流，每月一次。"}
    )
    owner1 = User.objects.filter(username="owner1").first()
    if owner1 is not None:
        wine.members.add(owner1)
    cuihu = HousingProject.objects.filter(slug="cuihu").first()

    upcoming = child_page_ensure(
        parent=index,
        model=ActivityPage,
        slug="family-baking",
        title="亲子烘焙课",
        kind=ActivityKind.BASIC,
        category=ActivityCategory.FAMILY,
        summary="和孩子一起做饼干和蛋糕，烘焙师现场指导，成品可带回家。",
        city="上海",
        starts_at=_at(7, 14),
        ends_at=_at(7, 16),
        place="翠湖天地会所二楼",
        address="上海市翠湖路 1 号",
        organiser=ActivityPage.Organiser.MERCHANT,
        organiser_name="麦香烘焙坊",
        capacity=20,
        max_companions=2,
        cover_image=placeholder_image(title="活动封面：亲子烘焙课", colour=(210, 140, 70)),
        body=paragraphs(["每个家庭一张操作台，材料由联盟商家提供。", "参加活动可得 50 积分。"]),
        budget=3000,
    )
    if cuihu is not None and not upcoming.projects.exists():
        upcoming.projects.add(cuihu)
    child_page_ensure(
        parent=index,
        model=ActivityPage,
        slug="wine-tasting",
        title="红酒圈：波尔多品鉴会",
        kind=ActivityKind.CIRCLE,
        category=ActivityCategory.CULTURE,
        summary="侍酒师讲解五款波尔多红酒，限红酒圈成员。",
        city="上海",
        starts_at=_at(14, 19),
        ends_at=_at(14, 21),
        place="翠湖天地会所酒窖",
        capacity=12,
        audience=ActivityPage.Audience.CIRCLE,
        circle=wine,
        points_cost=100,
        price=88,
        body=paragraphs(["费用现场支付；报名冻结 100 积分，签到后扣除。"]),
        budget=2000,
    )
    past = child_page_ensure(
        parent=index,
        model=ActivityPage,
        slug="mid-autumn-dinner",
        title="中秋邻里家宴",
        kind=ActivityKind.BASIC,
        category=ActivityCategory.HOLIDAY,
        summary="中心花园百家宴，邻居们带来拿手菜，一起做月饼、猜灯谜。",
        city="上海",
        starts_at=_at(-21, 17),
        ends_at=_at(-21, 20),
        place="翠湖天地中心花园",
        capacity=200,
        max_companions=3,
        body=paragraphs(["共有 86 户家庭参加，收到菜品 120 余道。"]),
        budget=15000,
    )
    for username, companions, rating, comment in (
        ("owner1", 2, 5, "很热闹，孩子们玩得很开心。"),
        ("member1", 0, 4, "菜品丰富，希望明年再办。"),
    ):
        member = User.objects.filter(username=username).first()
        if member is None or Signup.objects.filter(activity=past, member=member).exists():
            continue
        Signup.objects.create(
            activity=past,
            member=member,
            companions=companions,
            status=Signup.Status.CONFIRMED,
            created_at=past.starts_at - datetime.timedelta(days=10),
            confirmed_at=past.starts_at - datetime.timedelta(days=10),
            checked_in_at=past.starts_at,
            rating=rating,
            comment=comment,
            rated_at=past.ends_at + datetime.timedelta(days=1),
        )
        points_award(
            member=member,
            rule_code="activity_attended",
            source_key=f"activity:{past.pk}:member:{member.pk}",
            reason=f"参加活动：{past.title}",
        )
    ExperienceSummary.objects.get_or_create(
        activity=past,
        defaults={
            "went_well": "邻居自带菜品的形式参与度高；猜灯谜环节适合全家。",
            "to_improve": "签到集中在开场前 10 分钟，下次增加一个签到点。",
            "cost": 13800,
            "written_by": staff,
        },
    )
    stdout.write("Activities: /activities/ with an upcoming, a circle and a past activity.")
