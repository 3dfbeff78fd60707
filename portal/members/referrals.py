"""Invitations (推荐入会): a member shares a link; whoever joins through it and completes the
profile earns the inviter the ``referral_joined`` event, once per new member.

The link carries the inviter's member number signed with the site key, so numbers (which are
sequential) cannot be walked to credit someone else; the join view keeps it in the session
until the sign-up form is saved.
"""

from django.core import signing

from portal.members.models import MemberProfile, User

REFERRAL_SALT = "portal.members.referral"
SESSION_KEY = "referral_token"


def referral_token(*, profile: MemberProfile) -> str:
    return signing.Signer(salt=REFERRAL_SALT).sign(profile.member_number)


def referrer_from_token(*, token: str) -> User | None:
    try:
        number = signing.Signer(salt=REFERRAL_SALT).unsign(token)
    except signing.BadSignature:
        return None
    profile = (
        MemberProfile.objects.filter(member_number=number, anonymised_at__isnull=True)
        .select_related("user")
        .first()
    )
    return profile.user if profile else None
