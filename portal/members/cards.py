"""The member card's QR code: a signed token naming the member number and the card's serial.

The token cannot be guessed or forged (an HMAC with the site's secret key), so member numbers,
which are sequential, cannot be walked to print valid cards; reissuing a card (补办) raises the
serial, which voids every token of the old card. Staff at a shop, a service centre or an
activity's door scan it; ``/members/card/<token>/`` shows whether it is valid.
"""

from django.core import signing

from portal.members.models import MemberProfile

CARD_SALT = "portal.members.card"


def card_token(*, profile: MemberProfile) -> str:
    return signing.Signer(salt=CARD_SALT).sign_object(
        [profile.member_number, profile.card_serial], compress=False
    )


def card_profile_from_token(*, token: str) -> MemberProfile | None:
    """The member whose CURRENT card carries this token; None when the token is forged,
    malformed, of a reissued card or of an anonymised member."""
    try:
        number, serial = signing.Signer(salt=CARD_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(number, str) or not isinstance(serial, int):
        return None
    return (
        MemberProfile.objects.filter(
            member_number=number, card_serial=serial, anonymised_at__isnull=True
        )
        .select_related("level", "user")
        .first()
    )
