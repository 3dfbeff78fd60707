"""A member's profile and member number: what every account has from its first save.

Both ``services`` (profile changes, ownership, cards, deletion) and ``points`` (ledgers and
levels) build on it; it depends on neither.
"""

from django.db import IntegrityError, transaction

from portal.members.models import MemberLevel, MemberProfile, User

MEMBER_NUMBER_PREFIX = "KH"
# Fields whose completion earns the profile_completed award.
PROFILE_COMPLETION_FIELDS = (
    "real_name",
    "gender",
    "birth_year",
    "mobile",
    "city",
    "family",
    "how_heard",
    "interests",
)


def member_number_for(*, user: User) -> str:
    """Unique because the user's primary key is; readable on a card (KH00000042)."""
    return member_number_for_id(user_id=user.pk)


def member_number_for_id(*, user_id: int) -> str:
    return f"{MEMBER_NUMBER_PREFIX}{user_id:08d}"


def member_profile_ensure(*, user: User) -> MemberProfile:
    """Every account has a profile, a member number and (at least) the lowest level."""
    profile = MemberProfile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = MemberProfile(
        user=user,
        member_number=member_number_for(user=user),
        level=MemberLevel.objects.order_by("rank").first(),
    )
    profile.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        profile = MemberProfile.objects.get(user=user)
    return profile


def profile_is_complete(profile: MemberProfile) -> bool:
    return all(getattr(profile, name) not in ("", None) for name in PROFILE_COMPLETION_FIELDS)
