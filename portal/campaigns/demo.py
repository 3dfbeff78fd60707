"""Demo data for seed_demo: the demo editor composes campaigns and segments, the demo approver
approves them (a different person, as the rules require), and one saved segment to start from.
Idempotent: groups by name, the segment by name."""

from django.contrib.auth.models import Group, Permission

from portal.campaigns.models import Segment
from portal.members.models import HousingProject

EDITOR_PERMISSIONS = (
    "view_campaign",
    "add_campaign",
    "change_campaign",
    "view_segment",
    "add_segment",
    "change_segment",
)
APPROVER_PERMISSIONS = ("view_campaign", "approve_campaign", "view_segment")
DEMO_SEGMENT = "翠湖天地已认证业主"


def _grant(group_name: str, codenames: tuple[str, ...]) -> None:
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="campaigns", codename__in=codenames)
    )


def seed(stdout=None) -> None:
    _grant("Editors", EDITOR_PERMISSIONS)
    _grant("Approvers", APPROVER_PERMISSIONS)
    project = HousingProject.objects.filter(name="翠湖天地").first()
    if project is not None and not Segment.objects.filter(name=DEMO_SEGMENT).exists():
        Segment.objects.create(
            name=DEMO_SEGMENT,
            description="翠湖天地的已认证业主（示例分组）",
            filters={"projects": [project.pk], "owner": "yes"},
        )
