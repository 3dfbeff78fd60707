"""Masking of personal data and the log of staff who saw it.

Use ``mask_mobile`` / ``mask_email`` (or the ``privacy`` template filters of the same names)
wherever a member's data is shown to someone who is neither the member nor staff holding
``portal.view_member_pii``.
"""

from collections.abc import Iterable

from portal.members.models import PiiAccessLog, User

PII_PERMISSION = "portal.view_member_pii"
EXPORT_PERMISSION = "portal.export_members"


def mask_mobile(value: str | None) -> str:
    """13812341234 → 138****1234; anything shorter than 7 characters becomes stars."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_email(value: str | None) -> str:
    """zhang.san@example.com → z***@example.com."""
    if not value:
        return ""
    local, at, domain = str(value).partition("@")
    if not at:
        return mask_mobile(value)
    return f"{local[:1]}***@{domain}"


def mask_name(value: str | None) -> str:
    """张三丰 → 张**."""
    if not value:
        return ""
    return value[:1] + "*" * (len(value) - 1)


def can_see_pii(*, viewer, member) -> bool:
    if not viewer.is_authenticated:
        return False
    return viewer.pk == member.pk or viewer.has_perm(PII_PERMISSION)


def pii_access_log(*, staff: User, members: Iterable[User], what: str) -> int:
    """Record that ``staff`` saw ``what`` of each member. A member's own views are not logged."""
    entries = [
        PiiAccessLog(staff=staff, member=member, what=what[:100])
        for member in members
        if member.pk != staff.pk
    ]
    PiiAccessLog.objects.bulk_create(entries)
    return len(entries)
