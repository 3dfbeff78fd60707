"""Demo data for seed_demo: this year's points plan, a service centre and an alliance merchant
with a staff account (``merchant1``) who redeems codes, and how each catalogue item is fulfilled.
Never used by tests or production code."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from portal.members.demo import demo_user_ensure
from portal.members.models import MemberLevel, RedemptionItem, User
from portal.rewards.models import PlanLine, PointsPlan, RewardOption, RewardOutlet

BUDGETS = (
    # category, reward points budget
    ("membership", 2_000_000),
    ("marketing", 800_000),
    ("brand", 300_000),
    ("sales", 1_500_000),
    ("research", 200_000),
    ("other", 100_000),
)

OUTLETS = (
    # name, kind, address, staff usernames
    ("翠湖天地服务中心", "service_centre", "上海市翠湖天地1栋大堂", ("property",)),
    ("星悦咖啡（翠湖店）", "merchant", "上海市翠湖天地商业街12号", ("merchant1",)),
)

OPTIONS = {
    # item name: method, outlets, plan category
    "客户会定制保温杯": ("pickup", ("翠湖天地服务中心",), "membership"),
    "儿童绘本礼盒": ("delivery", (), "membership"),
    "星悦咖啡50元代金券": ("electronic", ("星悦咖啡（翠湖店）",), "marketing"),
    "物业费抵扣券100元": ("pickup", ("翠湖天地服务中心",), "membership"),
}

# The 银卡 benefits promise 生日礼遇: the silver level's birthday gift (docs/campaigns.md, "Care").
BIRTHDAY_GIFTS = {"silver": "客户会定制保温杯"}

PLAN_STAFF_PERMISSIONS = ("view_pointsplan", "view_delivery_address")
PLAN_APPROVER_GROUP = "积分计划审批"
PLAN_APPROVER_PERMISSIONS = ("view_pointsplan", "raise_planline", "approve_pointsgrant")


@transaction.atomic
def seed(stdout) -> None:
    year = timezone.localdate().year
    plan, _created = PointsPlan.objects.get_or_create(
        year=year, defaults={"name": f"{year} 年度积分计划", "point_value": "0.01"}
    )
    for category, budget in BUDGETS:
        PlanLine.objects.get_or_create(plan=plan, category=category, defaults={"budget": budget})
    demo_user_ensure(username="merchant1", display_name="星悦咖啡 店员")
    outlets = {}
    for name, kind, address, staff in OUTLETS:
        outlet, _created = RewardOutlet.objects.get_or_create(
            name=name, defaults={"kind": kind, "address": address}
        )
        outlet.staff.add(*User.objects.filter(username__in=staff))
        outlets[name] = outlet
    for item_name, (method, outlet_names, category) in OPTIONS.items():
        item = RedemptionItem.objects.filter(name=item_name).first()
        if item is None:
            continue
        option, _created = RewardOption.objects.get_or_create(
            item=item, defaults={"method": method, "category": category}
        )
        option.outlets.add(*(outlets[name] for name in outlet_names))
    for level_code, item_name in BIRTHDAY_GIFTS.items():
        item = RedemptionItem.objects.filter(name=item_name).first()
        if item is not None:
            MemberLevel.objects.filter(code=level_code, birthday_gift__isnull=True).update(
                birthday_gift=item
            )
    member_services = Group.objects.filter(name="会员服务").first()
    if member_services is not None:
        member_services.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="rewards", codename__in=PLAN_STAFF_PERMISSIONS
            )
        )
    approvers = Group.objects.get_or_create(name=PLAN_APPROVER_GROUP)[0]
    approvers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="rewards", codename__in=PLAN_APPROVER_PERMISSIONS
        )
    )
    stdout.write(f"points plan {year}: {plan.lines.count()} lines, outlets: {len(outlets)}\n")
