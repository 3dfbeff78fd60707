from django.db import migrations

RULES = (
    # code, name, reward points, upgrade points, category
    ("profile_completed", "完善会员资料", 100, 100, "membership"),
    ("first_post", "首次发帖", 50, 50, "membership"),
    ("accepted_answer", "互助回答被采纳", 30, 30, "membership"),
    ("case_rated", "评价已解决的投诉建议", 20, 10, "research"),
    ("referral_purchase", "推荐购房成交（经核实）", 2000, 1000, "sales"),
)

# Yearly upgrade points a member must earn to keep the level, and what the level brings.
LEVEL_RULES = {
    "basic": (0, "会员活动报名；积分兑换礼品"),
    "silver": (0, "业主专属板块；会员日商家折扣；生日礼遇"),
    "gold": (500, "银卡全部礼遇；物业服务优先响应；年度答谢活动"),
    "platinum": (2000, "金卡全部礼遇；专属客户经理；新盘优先认购"),
}


def forwards(apps, schema_editor):
    PointsRule = apps.get_model("portal", "PointsRule")
    MemberLevel = apps.get_model("portal", "MemberLevel")
    MemberProfile = apps.get_model("portal", "MemberProfile")
    User = apps.get_model("portal", "User")
    for code, name, reward, upgrade, category in RULES:
        PointsRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "reward_points": reward,
                "upgrade_points": upgrade,
                "category": category,
            },
        )
    for code, (retention, benefits) in LEVEL_RULES.items():
        MemberLevel.objects.filter(code=code, benefits="").update(
            yearly_retention_points=retention, benefits=benefits
        )
    basic = MemberLevel.objects.filter(code="basic").first()
    for user in User.objects.filter(member_profile__isnull=True):
        MemberProfile.objects.create(user=user, member_number=f"KH{user.pk:08d}", level=basic)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_members_points")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
