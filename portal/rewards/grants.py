"""Bulk grants: staff grant points to a list of members against a plan line.

One ledger entry per member (and ledger), keyed by the grant, so paying twice pays once. A grant
whose total exceeds ``POINTS_GRANT_APPROVAL_THRESHOLD`` waits for a second person holding
``rewards.approve_pointsgrant``. A paid grant is reversed by compensating entries.

Locks: every recipient's points are locked in member order first, then the plan line (through
the bookkeeper), the same order a single award takes, so grants and awards never deadlock.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.activities.models import ActivityPage
from portal.activities.selectors import attendees
from portal.members.models import MemberProfile, PointsEntry, UnitOwnership, User
from portal.members.points import (
    PointsError,
    points_available,
    points_entry_add,
    points_member_lock,
)
from portal.rewards.models import PlanLine, PointsGrant, PointsGrantRecipient
from portal.rewards.plan import budget_refusal_message

GRANT_PERMISSION = "portal.add_pointsentry"
APPROVE_PERMISSION = "rewards.approve_pointsgrant"
Ledger = PointsEntry.Ledger


def members_by_numbers(*, text: str) -> list[User]:
    """The members whose numbers are listed; unknown numbers are refused by name."""
    numbers = list(dict.fromkeys(n for n in re.split(r"[\s,，;；]+", text.upper()) if n))
    if not numbers:
        raise PointsError(_("List at least one member number."))
    found = dict(
        MemberProfile.objects.filter(member_number__in=numbers, anonymised_at__isnull=True)
        .select_related("user")
        .values_list("member_number", "user")
    )
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise PointsError(
            _("No member has these numbers: %(numbers)s") % {"numbers": ", ".join(unknown[:20])}
        )
    return list(User.objects.filter(pk__in=found.values()).order_by("pk"))


def members_by_segment(*, level: str = "", project: int | None = None) -> list[User]:
    members = User.objects.filter(
        member_profile__isnull=False, member_profile__anonymised_at__isnull=True
    )
    if level:
        members = members.filter(member_profile__level__code=level)
    if project:
        members = members.filter(
            unit_ownerships__project_id=project,
            unit_ownerships__status=UnitOwnership.Status.VERIFIED,
        )
    return list(members.distinct().order_by("pk"))


def members_by_activity(*, activity: ActivityPage) -> list[User]:
    """The members checked in at the activity (an activity nobody attended grants nobody)."""
    return list(attendees(activity=activity))


def grant_needs_approval(*, total: int) -> bool:
    return total > settings.POINTS_GRANT_APPROVAL_THRESHOLD


@transaction.atomic
def grant_create(
    *,
    by: User,
    line: PlanLine,
    members: list[User],
    reward_points: int,
    upgrade_points: int = 0,
    reason: str,
    activity: ActivityPage | None = None,
) -> PointsGrant:
    """``activity``: the activity whose attendees ``members`` are, recorded with the grant."""
    if not by.has_perm(GRANT_PERMISSION):
        raise PermissionDenied(_("You may not grant points."))
    if not reason.strip():
        raise PointsError(_("A grant needs a reason."))
    if not members:
        raise PointsError(_("No member matches; nobody would receive the grant."))
    if reward_points <= 0 or upgrade_points < 0:
        raise PointsError(_("A grant pays a positive number of reward points."))
    if line.plan.year != timezone.localdate().year:
        raise PointsError(_("Grants draw on this year's plan lines."))
    line = PlanLine.objects.select_related("plan").get(pk=line.pk)
    total = reward_points * len(members)
    if line.issued + total > line.budget:
        raise PointsError(budget_refusal_message(line=line, amount=total))
    grant = PointsGrant(
        line=line,
        reward_points=reward_points,
        upgrade_points=upgrade_points,
        reason=reason.strip()[:200],
        activity=activity,
        created_by=by,
    )
    grant.full_clean()
    grant.save()
    PointsGrantRecipient.objects.bulk_create(
        [PointsGrantRecipient(grant=grant, member=member) for member in members]
    )
    if not grant_needs_approval(total=total):
        _grant_pay(grant, by=by)
    return grant


def _recipients(grant: PointsGrant) -> list[User]:
    return list(User.objects.filter(pk__in=grant.recipients.values("member")).order_by("pk"))


def _grant_pay(grant: PointsGrant, *, by: User) -> None:
    members = _recipients(grant)
    for member in members:
        points_member_lock(member=member)
    for member in members:
        for ledger, amount in (
            (Ledger.REWARD, grant.reward_points),
            (Ledger.UPGRADE, grant.upgrade_points),
        ):
            if not amount:
                continue
            points_entry_add(
                member=member,
                ledger=ledger,
                amount=amount,
                category=grant.line.category,
                reason=grant.reason,
                idempotency_key=f"pointsgrant:{grant.pk}:{member.pk}:{ledger}",
                source_key=f"grant:{grant.pk}",
                source=grant,
                by=by,
            )
    grant.status = PointsGrant.Status.PAID
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])


def _grant_locked(grant: PointsGrant) -> PointsGrant:
    return (
        PointsGrant.objects.select_for_update()
        .select_related("line", "line__plan")
        .get(pk=grant.pk)
    )


@transaction.atomic
def grant_approve(*, grant: PointsGrant, by: User) -> PointsGrant:
    """A second person approves a large grant; it pays at once (refused beyond the budget)."""
    if not by.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You may not approve grants."))
    grant = _grant_locked(grant)
    if grant.created_by_id == by.pk:
        raise PermissionDenied(_("A second person must approve the grant you made."))
    if grant.status != PointsGrant.Status.AWAITING_APPROVAL:
        raise PointsError(_("This grant was already decided."))
    grant.decided_by = by
    _grant_pay(grant, by=by)
    return grant


@transaction.atomic
def grant_reject(*, grant: PointsGrant, by: User) -> PointsGrant:
    if not by.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You may not approve grants."))
    grant = _grant_locked(grant)
    if grant.status != PointsGrant.Status.AWAITING_APPROVAL:
        raise PointsError(_("This grant was already decided."))
    grant.status = PointsGrant.Status.REJECTED
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    return grant


@transaction.atomic
def grant_reverse(*, grant: PointsGrant, by: User, reason: str) -> PointsGrant:
    """Take a paid grant back with one compensating entry per member and ledger. Refused as a
    whole when a member has already spent the points (balances never go below zero)."""
    if not by.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You may not reverse grants."))
    if not reason.strip():
        raise PointsError(_("Say why the grant is reversed."))
    grant = _grant_locked(grant)
    if grant.status != PointsGrant.Status.PAID:
        raise PointsError(_("Only a paid grant can be reversed."))
    members = _recipients(grant)
    for member in members:
        points_member_lock(member=member)
    short = [m for m in members if points_available(member=m) < grant.reward_points]
    if short:
        numbers = MemberProfile.objects.filter(user__in=short).values_list(
            "member_number", flat=True
        )
        raise PointsError(
            _("These members have already spent the points: %(numbers)s. Correct them one by one.")
            % {"numbers": ", ".join(list(numbers)[:20])}
        )
    for member in members:
        for ledger, amount in (
            (Ledger.REWARD, grant.reward_points),
            (Ledger.UPGRADE, grant.upgrade_points),
        ):
            if not amount:
                continue
            points_entry_add(
                member=member,
                ledger=ledger,
                amount=-amount,
                category=grant.line.category,
                reason=_("Reversed: %(reason)s") % {"reason": reason.strip()[:150]},
                idempotency_key=f"pointsgrant:{grant.pk}:{member.pk}:{ledger}:reversal",
                source_key=f"grant-reversal:{grant.pk}",
                source=grant,
                by=by,
            )
    grant.status = PointsGrant.Status.REVERSED
    grant.reversed_by = by
    grant.reversed_at = timezone.now()
    grant.reversal_reason = reason.strip()[:200]
    grant.save(update_fields=["status", "reversed_by", "reversed_at", "reversal_reason"])
    return grant
