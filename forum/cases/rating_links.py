"""The one-click rating link mailed at resolution: signed, for one case and one resolution,
valid CASE_RATING_LINK_DAYS days and usable once (the case records when it was used).

A reopened and again resolved case gets a new link; the old one names the earlier resolution
time and is refused.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from forum.cases.models import Case

RATING_SALT = "cases.rating-link"


class RatingLinkInvalid(Exception):
    """A mailed rating link that is tampered with, expired, already used or out of date."""


def rating_link_days() -> int:
    return getattr(settings, "CASE_RATING_LINK_DAYS", 30)


def _resolution_stamp(case: Case) -> int:
    return int(case.resolved_at.timestamp()) if case.resolved_at else 0


def rating_token_make(*, case: Case) -> str:
    return signing.dumps({"c": case.pk, "r": _resolution_stamp(case)}, salt=RATING_SALT)


def rating_token_case(*, token: str) -> Case:
    """The case a rating link is for, or RatingLinkInvalid saying why not."""
    try:
        data = signing.loads(token, salt=RATING_SALT, max_age=rating_link_days() * 86400)
    except signing.SignatureExpired as exc:
        raise RatingLinkInvalid(_("This rating link has expired.")) from exc
    except signing.BadSignature as exc:
        raise RatingLinkInvalid(_("This rating link is not valid.")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise RatingLinkInvalid(_("This rating link is not valid."))
    case = Case.objects.select_related("topic", "member").filter(pk=data["c"]).first()
    if case is None:
        raise RatingLinkInvalid(_("This rating link is not valid."))
    if case.rating_link_used_at is not None:
        raise RatingLinkInvalid(_("This rating link was already used."))
    if case.status not in (Case.Status.RESOLVED, Case.Status.CLOSED) or _resolution_stamp(
        case
    ) != data.get("r"):
        raise RatingLinkInvalid(_("This case was reopened since this link was sent."))
    return case
