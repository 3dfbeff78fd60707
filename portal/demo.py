"""Demo accounts and housing projects for seed_demo. Never used by tests or production code."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from forum.boards.services import MODERATORS_GROUP, moderators_group_ensure
from portal.models import HousingProject, UnitOwnership, User
from portal.services import housing_project_ensure, unit_ownership_verify

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
    ("moderator", "客服小陈", False, (MODERATORS_GROUP,)),
    ("design", "设计部 张工", False, ("部门：设计部",)),
    ("engineering", "工程部 刘工", False, ("部门：工程部",)),
    ("property", "物业中心 赵经理", False, ("部门：物业服务中心",)),
    ("owner1", "翠湖业主", False, ()),
    ("owner2", "滨江业主", False, ()),
    ("member1", "热心会员", False, ()),
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
    moderators_group_ensure()
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
    stdout.write(
        f"accounts: {len(users)} (password {DEMO_PASSWORD}), "
        f"housing projects: {HousingProject.objects.count()}\n"
    )
