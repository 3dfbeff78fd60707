from django.db.models import QuerySet

from portal.models import UnitOwnership, User


def member_ownerships(*, member: User) -> QuerySet[UnitOwnership]:
    return (
        UnitOwnership.objects.filter(member=member)
        .select_related("project")
        .order_by("project__name", "building", "unit")
    )
