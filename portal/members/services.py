import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.members.models import HousingProject, MemberProfile, UnitOwnership, User
from portal.members.points import member_level_reevaluate, points_balances, points_event_pay
from portal.members.profiles import (
    PROFILE_COMPLETION_FIELDS,
    member_profile_ensure,
    profile_is_complete,
)
from portal.members.signals import housing_project_ensured


@transaction.atomic
def housing_project_ensure(
    *, name: str, city: str, phases: int = 1, slug: str = ""
) -> HousingProject:
    """Create a housing project with its owners' group, or return the existing one; receivers of
    ``housing_project_ensured`` add what other apps keep per project (the owners' board)."""
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
    housing_project_ensured.send(sender=HousingProject, project=project)
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
    member_level_reevaluate(member=ownership.member)
    points_event_pay(
        member=ownership.member,
        event="unit_verified",
        source_key=f"unit:{ownership.project_id}:{ownership.building}:{ownership.unit}",
        source=ownership,
    )
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


# --- Members ---------------------------------------------------------------------------------


@transaction.atomic
def member_profile_update(*, user: User, **fields) -> MemberProfile:
    """Change a member's own profile; completing it earns the profile_completed award once."""
    profile = member_profile_ensure(user=user)
    if "interests" in fields and not isinstance(fields["interests"], str):
        codes = [code for code in fields["interests"] if code]
        fields["interests"] = f",{','.join(codes)}," if codes else ""
    if fields.get("mobile") == "":
        fields["mobile"] = None
    display_name = fields.pop("display_name", None)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    if display_name is not None and display_name != user.display_name:
        user.display_name = display_name
        user.full_clean()
        user.save(update_fields=["display_name"])
    if profile_is_complete(profile):
        points_event_pay(member=user, event="profile_completed", source_key=f"member:{user.pk}")
        if profile.referred_by_id:
            points_event_pay(
                member=profile.referred_by,
                event="referral_joined",
                source_key=f"joined:{user.pk}",
                source=profile,
            )
    return profile


@transaction.atomic
def unit_ownership_claim(
    *, member: User, project: HousingProject, building: str, unit: str
) -> UnitOwnership:
    building, unit = building.strip(), unit.strip()
    if UnitOwnership.objects.filter(
        member=member, project=project, building=building, unit=unit
    ).exists():
        raise ValidationError(_("You have already claimed this unit."))
    ownership = UnitOwnership(member=member, project=project, building=building, unit=unit)
    ownership.full_clean()
    ownership.save()
    return ownership


@transaction.atomic
def member_card_reissue(*, member: User, by: User) -> MemberProfile:
    """补办: a new card serial, so the QR code of the old card no longer verifies."""
    if not by.has_perm("portal.change_memberprofile"):
        raise PermissionDenied
    profile = MemberProfile.objects.select_for_update().get(
        pk=member_profile_ensure(user=member).pk
    )
    profile.card_serial += 1
    profile.card_issued_at = timezone.now()
    profile.full_clean()
    profile.save(update_fields=["card_serial", "card_issued_at"])
    return profile


@transaction.atomic
def member_deletion_request(*, member: User) -> MemberProfile:
    profile = member_profile_ensure(user=member)
    if profile.deletion_requested_at is None:
        profile.deletion_requested_at = timezone.now()
        profile.save(update_fields=["deletion_requested_at"])
    return profile


@transaction.atomic
def member_deletion_cancel(*, member: User) -> MemberProfile:
    profile = member_profile_ensure(user=member)
    profile.deletion_requested_at = None
    profile.save(update_fields=["deletion_requested_at"])
    return profile


@transaction.atomic
def member_anonymise(*, member: User, by: User) -> User:
    """Complete a deletion: the account can no longer log in and holds no personal data.

    Posts stay, shown under "Deleted user"; the ledger stays (it belongs to nobody now).
    """
    from allauth.account.models import EmailAddress

    if not by.has_perm("portal.change_memberprofile"):
        raise PermissionDenied
    with translation.override(settings.LANGUAGE_CODE):
        deleted_name = gettext("Deleted user")
    member.username = f"deleted-{member.pk}"
    member.email = ""
    member.first_name = member.last_name = ""
    member.display_name = deleted_name
    member.is_active = False
    member.is_staff = member.is_superuser = False
    member.set_unusable_password()
    member.save()
    member.groups.clear()
    EmailAddress.objects.filter(user=member).delete()
    UnitOwnership.objects.filter(member=member).delete()
    profile = member_profile_ensure(user=member)
    for name in PROFILE_COMPLETION_FIELDS + ("purchase_area", "purchase_type"):
        field = MemberProfile._meta.get_field(name)
        setattr(profile, name, None if field.null else "")
    profile.purchase_budget = None
    profile.allow_sales_contact = False
    profile.anonymised_at = timezone.now()
    profile.save()
    return member


def _local(moment) -> str | None:
    """A stored time as the member reads it: local time, to the second, with its offset."""
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).replace(microsecond=0).isoformat()
    return moment.isoformat()


def member_data_export(*, member: User) -> dict:
    """Everything the club holds about a member, for "download my data": the fields under their
    labels as the site shows them (in the member's language), choices by their names, times in
    local time."""
    profile = member_profile_ensure(user=member)
    balances = points_balances(member=member)
    profile_fields = [
        f for f in MemberProfile._meta.concrete_fields if f.name not in ("id", "user", "level")
    ]

    def shown(instance, field):
        if field.choices:
            return str(getattr(instance, f"get_{field.name}_display")())
        value = getattr(instance, field.attname)
        if hasattr(value, "isoformat"):
            return _local(value)
        return value

    return {
        str(_("Account")): {
            str(_("Username")): member.username,
            str(_("Display name")): member.display_name,
            str(_("Email")): member.email,
            str(_("Member since")): _local(member.date_joined),
        },
        str(_("Profile")): {str(f.verbose_name): shown(profile, f) for f in profile_fields}
        | {str(_("Level")): str(profile.level) if profile.level else None},
        str(_("My units")): [
            {
                str(_("Housing project")): o.project.name,
                str(_("Building")): o.building,
                str(_("Unit")): o.unit,
                str(_("Status")): str(o.get_status_display()),
                str(_("Claimed at")): _local(o.created_at),
            }
            for o in UnitOwnership.objects.filter(member=member).select_related("project")
        ],
        str(_("Points")): {
            str(_("Balances")): {
                str(_("Reward points")): balances["reward"],
                str(_("Upgrade points")): balances["upgrade"],
            },
            str(_("Entries")): [
                {
                    str(_("Ledger")): str(e.get_ledger_display()),
                    str(_("Points")): e.amount,
                    str(_("Category")): e.category,
                    str(_("Reason")): e.reason,
                    str(_("Source")): e.source_key,
                    str(_("Time")): _local(e.created_at),
                }
                for e in member.points_entries.order_by("created_at", "pk")
            ],
        },
        str(_("Redemptions")): [
            {
                str(_("Reward")): r.item.name,
                str(_("Points")): r.points_cost,
                str(_("Status")): str(r.get_status_display()),
                str(_("Requested at")): _local(r.created_at),
            }
            for r in member.redemption_requests.select_related("item").order_by("created_at")
        ],
    }


@transaction.atomic
def member_privacy_consent_record(*, user: User, version: str, now=None) -> MemberProfile:
    """The member agreed to this version of the privacy notice: kept with the time they did."""
    profile = member_profile_ensure(user=user)
    profile.privacy_consent_version = version
    profile.privacy_consent_at = now or timezone.now()
    profile.full_clean()
    profile.save(update_fields=["privacy_consent_version", "privacy_consent_at"])
    return profile
