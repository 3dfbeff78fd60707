import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.members.events import POINTS_EVENTS
from portal.members.models import (
    MemberLevel,
    MemberProfile,
    PointsEntry,
    PointsRule,
    UnitOwnership,
    User,
    VerifierCity,
)
from portal.members.profiles import member_profile_ensure


def member_ownerships(*, member: User) -> QuerySet[UnitOwnership]:
    return (
        UnitOwnership.objects.filter(member=member)
        .select_related("project")
        .order_by("project__name", "building", "unit")
    )


def member_profile_for(*, user: User) -> MemberProfile:
    profile = getattr(user, "_member_profile_cache", None)
    if profile is None:
        # Read first, created only when missing (older accounts): one query, not two.
        profiles = MemberProfile.objects.select_related("level", "user")
        profile = profiles.filter(user=user).first()
        if profile is None:
            member_profile_ensure(user=user)
            profile = profiles.get(user=user)
        user._member_profile_cache = profile
    return profile


def member_level_for(user) -> MemberLevel | None:
    """The level to show beside a member's name (badges); None for visitors, or when the member
    chose not to show it. Uses the profile already loaded with the user (lists select_related
    it), else one query; cached on the user object for the request."""
    if user is None or not getattr(user, "pk", None):
        return None
    if not hasattr(user, "_member_badge_level"):
        if type(user).member_profile.is_cached(user):
            # Lists select_related("poster__member_profile__level"): no query per poster.
            profile = getattr(user, "member_profile", None)
        else:
            profile = MemberProfile.objects.filter(user_id=user.pk).select_related("level").first()
        shown = profile is not None and profile.show_level_badge
        user._member_badge_level = profile.level if shown else None
    return user._member_badge_level


def points_history(*, member: User) -> QuerySet[PointsEntry]:
    return (
        PointsEntry.objects.filter(member=member)
        .select_related("rule")
        .order_by("-created_at", "-pk")
    )


def points_rules_in_force(*, today: datetime.date) -> list[PointsRule]:
    """The active rules paying today or later (the page of ways to earn points), each with
    ``event_label``; rules on events no part of the site reports are left out."""
    rules = (
        PointsRule.objects.filter(active=True, event__in=list(POINTS_EVENTS))
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=today))
        .prefetch_related("levels", "projects")
        .order_by("-reward_points", "name")
    )
    result = []
    for rule in rules:
        rule.event_label = POINTS_EVENTS[rule.event].label
        result.append(rule)
    return result


def member_list(*, filters: dict) -> QuerySet[MemberProfile]:
    """Staff's member list: filter by level, project, city, verification state and interest."""
    profiles = MemberProfile.objects.filter(anonymised_at__isnull=True).select_related(
        "user", "level"
    )
    if filters.get("q"):
        q = filters["q"].strip()
        profiles = profiles.filter(
            Q(user__username__icontains=q)
            | Q(user__display_name__icontains=q)
            | Q(member_number__iexact=q)
            | Q(real_name__icontains=q)
            | Q(mobile=q)
        )
    if filters.get("level"):
        profiles = profiles.filter(level=filters["level"])
    if filters.get("city"):
        profiles = profiles.filter(city=filters["city"].strip())
    if filters.get("interest"):
        profiles = profiles.filter(interests__contains=f",{filters['interest']},")
    ownerships = UnitOwnership.objects.filter(member=OuterRef("user"))
    if filters.get("project"):
        ownerships = ownerships.filter(project=filters["project"])
    verification = filters.get("verification")
    if verification == "none":
        profiles = profiles.filter(~Exists(ownerships))
    elif verification:
        profiles = profiles.filter(Exists(ownerships.filter(status=verification)))
    elif filters.get("project"):
        profiles = profiles.filter(Exists(ownerships))
    return profiles.order_by("-user__date_joined", "-pk")


def verifier_cities(*, user: User) -> frozenset[str] | None:
    """The cities whose claims ``user`` verifies; None means every city."""
    cities = frozenset(VerifierCity.objects.filter(user=user).values_list("city", flat=True))
    return cities or None


def ownership_claims_decidable(*, verifier: User) -> QuerySet[UnitOwnership]:
    """Claims this verifier may decide: all of them, or those in the verifier's cities."""
    claims = UnitOwnership.objects.all()
    cities = verifier_cities(user=verifier)
    if cities is not None:
        claims = claims.filter(project__city__in=cities)
    return claims


def ownership_claims_pending(*, verifier: User) -> QuerySet[UnitOwnership]:
    return (
        ownership_claims_decidable(verifier=verifier)
        .filter(status=UnitOwnership.Status.PENDING)
        .select_related("member", "member__member_profile", "project")
        .order_by("created_at")
    )
