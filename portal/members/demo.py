"""Demo accounts and housing projects for seed_demo. Never used by tests or production code."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from portal.members.models import HousingProject, RedemptionItem, UnitOwnership, User
from portal.members.points import points_event_pay, points_grant
from portal.members.services import (
    housing_project_ensure,
    member_profile_update,
    unit_ownership_verify,
)

DEMO_PASSWORD = "demo12345"

PROJECTS = (
    # name, slug, city, phases
    ("翠湖天地", "cuihu", "上海", 3),
    ("滨江壹号", "binjiang", "杭州", 2),
    ("云山花园", "yunshan", "成都", 1),
)

ACCOUNTS = (
    # username, display name, superuser, groups
    ("admin", "管理员", True, ()),
    ("editor", "编辑小王", False, ("Editors",)),
    ("approver", "审核老李", False, ("Approvers",)),
    ("moderator", "客服小陈", False, ()),  # forum.boards.demo makes them a moderator
    ("design", "设计部 张工", False, ("部门：设计部",)),
    ("engineering", "工程部 刘工", False, ("部门：工程部",)),
    ("property", "物业中心 赵经理", False, ("部门：物业服务中心",)),
    ("owner1", "翠湖业主", False, ()),
    ("owner2", "滨江业主", False, ()),
    ("member1", "热心会员", False, ()),
)

PROFILES = {
    # username: join-form details (the mobiles are in a range no real subscriber holds)
    "owner1": {"real_name": "陈思远", "mobile": "13800000001", "city": "上海", "gender": "male",
               "birth_year": 1982, "family": "young_children", "how_heard": "sales_office",
               "interests": ["family", "sports"]},
    "owner2": {"real_name": "林晓雯", "mobile": "13800000002", "city": "杭州", "gender": "female",
               "birth_year": 1990, "family": "couple", "how_heard": "friend",
               "interests": ["culture", "home"]},
    "member1": {"real_name": "王一鸣", "mobile": "13800000003", "city": "成都",
                "interests": ["sports"], "purchase_area": "高新区", "purchase_budget": 300,
                "purchase_type": "apartment"},
}  # fmt: skip

# Member services staff: verify claims, decide redemptions, grant points (no personal data).
MEMBER_SERVICES_GROUP = "会员服务"
MEMBER_SERVICES_PERMISSIONS = (
    "verify_unitownership",
    "view_memberprofile",
    "change_redemptionrequest",
    "add_pointsentry",
    "change_memberprofile",
)

CATALOGUE = (
    # name, kind, merchant, points, stock, description
    ("客户会定制保温杯", "gift", "", 300, 50, "316不锈钢，500毫升，会员活动现场领取。"),
    ("儿童绘本礼盒", "gift", "", 800, 20, "精选绘本6册，适合3-8岁。"),
    ("星悦咖啡50元代金券", "voucher", "星悦咖啡", 500, 100, "联盟商家各门店通用，有效期三个月。"),
    ("物业费抵扣券100元", "voucher", "物业服务中心", 1000, 30, "可抵扣下期物业费。"),
)

DEMO_GRANTS = (
    # username, reward, upgrade, reason, category, idempotency key
    ("member1", 600, 200, "参加业主开放日", "marketing", "demo-openday"),
    ("owner2", 200, 200, "填写满意度调查问卷", "research", "demo-survey"),
)

OWNERSHIPS = (
    # username, project name, building, unit
    ("owner1", "翠湖天地", "3栋", "1502"),
    ("owner2", "滨江壹号", "8栋", "2201"),
)


def demo_user_ensure(*, username: str, display_name: str, superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username, email=f"{username}@kehuhui.example", display_name=display_name
        )
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = superuser
        user.full_clean()
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed(stdout) -> None:
    projects = {
        name: housing_project_ensure(name=name, slug=slug, city=city, phases=phases)
        for name, slug, city, phases in PROJECTS
    }
    users = {}
    for username, display_name, superuser, groups in ACCOUNTS:
        user = demo_user_ensure(username=username, display_name=display_name, superuser=superuser)
        for group_name in groups:
            user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        users[username] = user
    admin = users["admin"]
    for username, project_name, building, unit in OWNERSHIPS:
        ownership, _created = UnitOwnership.objects.get_or_create(
            member=users[username], project=projects[project_name], building=building, unit=unit
        )
        if ownership.status != UnitOwnership.Status.VERIFIED:
            unit_ownership_verify(ownership=ownership, by=admin)
    member_services = Group.objects.get_or_create(name=MEMBER_SERVICES_GROUP)[0]
    member_services.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portal", codename__in=MEMBER_SERVICES_PERMISSIONS
        )
    )
    users["moderator"].groups.add(member_services)
    for username, details in PROFILES.items():
        member_profile_update(user=users[username], **details)
    points_event_pay(member=users["owner1"], event="referral_purchase",
                 source_key="contract:DEMO-2025-0001", by=admin)  # fmt: skip
    for username, reward, upgrade, reason, category, key in DEMO_GRANTS:
        points_grant(
            member=users[username],
            by=admin,
            reward_points=reward,
            upgrade_points=upgrade,
            reason=reason,
            category=category,
            idempotency_key=key,
        )
    for name, kind, merchant, cost, stock, description in CATALOGUE:
        RedemptionItem.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "merchant": merchant, "points_cost": cost, "stock": stock,
                      "description": description},
        )  # fmt: skip
    stdout.write(
        f"accounts: {len(users)} (password {DEMO_PASSWORD}), "
        f"housing projects: {HousingProject.objects.count()}\n"
    )
