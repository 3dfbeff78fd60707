from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from forum.boards.services import owners_board_ensure
from portal.models import HousingProject, UnitOwnership, User


@transaction.atomic
def housing_project_ensure(
    *, name: str, city: str, phases: int = 1, slug: str = ""
) -> HousingProject:
    """Create a housing project with its owners' group and board, or return the existing one."""
    project = HousingProject.objects.filter(name=name).first()
    if project is None:
        group, _created = Group.objects.get_or_create(name=f"业主：{name}")
        project = HousingProject(
            name=name,
            slug=slug or slugify(name, allow_unicode=True),
            city=city,
            phases=phases,
            owners_group=group,
        )
        project.full_clean()
        project.save()
    owners_board_ensure(project=project)
    return project


@transaction.atomic
def unit_ownership_verify(*, ownership: UnitOwnership, by: User) -> UnitOwnership:
    """Mark a claimed unit verified; its member joins the project's owners' group (and board)."""
    ownership.status = UnitOwnership.Status.VERIFIED
    ownership.decided_by = by
    ownership.decided_at = timezone.now()
    ownership.reject_reason = ""
    ownership.full_clean()
    ownership.save()
    ownership.member.groups.add(ownership.project.owners_group)
    return ownership


@transaction.atomic
def unit_ownership_reject(*, ownership: UnitOwnership, by: User, reason: str) -> UnitOwnership:
    ownership.status = UnitOwnership.Status.REJECTED
    ownership.decided_by = by
    ownership.decided_at = timezone.now()
    ownership.reject_reason = reason
    ownership.full_clean()
    ownership.save()
    still_owner = UnitOwnership.objects.filter(
        member=ownership.member, project=ownership.project, status=UnitOwnership.Status.VERIFIED
    ).exists()
    if not still_owner:
        ownership.member.groups.remove(ownership.project.owners_group)
    return ownership
