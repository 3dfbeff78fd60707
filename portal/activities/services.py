"""Writes: sign up, cancel (promoting the waiting list), check in, rate, summarise, remind.

Capacity is decided one writer at a time: every sign-up, cancellation and promotion locks the
activity's row first (``select_for_update``; SQLite runs write transactions one at a time), so
places are counted and taken without a race and the waiting list keeps arrival order.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.activities import notify
from portal.activities.models import ActivityNoticeState, ActivityPage, ExperienceSummary, Signup
from portal.activities.selectors import eligibility_refusal, places_taken, signup_active
from portal.members.cards import card_profile_from_token
from portal.members.models import MemberProfile, PointsCategory, User
from portal.members.points import (
    PointsError,
    points_award,
    points_hold,
    points_hold_charge,
    points_hold_for,
    points_hold_release,
)

ATTENDED_RULE = "activity_attended"
CHECK_IN_PERMISSION = "activities.check_in_signup"
SIGNUP_LIST_PERMISSION = "activities.view_signup"
SIGNUP_ADD_PERMISSION = "activities.add_signup"
EXPORT_PERMISSION = "activities.export_signups"
SUMMARY_PERMISSION = "activities.change_experiencesummary"
LIBRARY_PERMISSION = "activities.view_experiencesummary"
PLAN_PERMISSION = "activities.view_activity_plan"


class ActivityError(Exception):
    """A sign-up, cancellation or check-in that is not allowed; the message says why."""


def _lock(activity: ActivityPage) -> ActivityPage:
    return ActivityPage.objects.select_for_update().get(pk=activity.pk)


def _fits(activity: ActivityPage, places: int) -> bool:
    return places_taken(activity=activity) + places <= activity.capacity


@transaction.atomic
def activity_sign_up(
    *,
    activity: ActivityPage,
    member: User,
    companions: int = 0,
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> Signup:
    """Sign ``member`` up: confirmed while places last, then on the waiting list.

    ``by`` is the staff member signing someone up on their behalf (call center); the same
    rules apply. A points cost is held now (refused if the member has too few points).
    """
    if by is not None and by.pk != member.pk and not by.has_perm(SIGNUP_ADD_PERMISSION):
        raise PermissionDenied
    activity = _lock(activity)
    # Read the clock once the lock is ours: sign-up times are the order of arrival.
    now = now or timezone.now()
    if not activity.live:
        raise ActivityError(_("This activity is not published."))
    if activity.cancelled:
        raise ActivityError(_("This activity was cancelled."))
    if activity.signup_opens_at and now < activity.signup_opens_at:
        raise ActivityError(_("Sign-up has not opened yet."))
    if now >= activity.signup_closes:
        raise ActivityError(_("Sign-up has closed."))
    if not 0 <= companions <= activity.max_companions:
        raise ActivityError(
            _("You may bring at most %(n)s companions.") % {"n": activity.max_companions}
        )
    if 1 + companions > activity.capacity:
        raise ActivityError(_("This activity does not have that many places."))
    if signup_active(activity=activity, member=member) is not None:
        raise ActivityError(_("You have already signed up for this activity."))
    refusal = eligibility_refusal(activity=activity, member=member)
    if refusal:
        raise ActivityError(refusal)
    has_waiting = Signup.objects.filter(activity=activity, status=Signup.Status.WAITING).exists()
    confirmed = not has_waiting and _fits(activity, 1 + companions)
    signup = Signup(
        activity=activity,
        member=member,
        companions=companions,
        status=Signup.Status.CONFIRMED if confirmed else Signup.Status.WAITING,
        created_at=now,
        confirmed_at=now if confirmed else None,
        signed_up_by=by if by is not None and by.pk != member.pk else None,
    )
    signup.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError as error:
        raise ActivityError(_("You have already signed up for this activity.")) from error
    if activity.points_cost:
        try:
            points_hold(
                member=member,
                amount=activity.points_cost,
                source_key=signup.points_source_key,
                reason=_("Activity: %(title)s") % {"title": activity.title},
            )
        except PointsError as error:
            raise ActivityError(str(error)) from error
    notify.after_commit(signup=signup, event="confirmed" if confirmed else "waiting")
    return signup


@transaction.atomic
def activity_cancel(
    *, signup: Signup, by: User, now: datetime.datetime | None = None
) -> list[Signup]:
    """Cancel a sign-up (the member before the deadline, or staff with the permission);
    releases its held points and promotes the waiting list. Returns who was promoted."""
    now = now or timezone.now()
    activity = _lock(signup.activity)
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    is_staff = by.has_perm(SIGNUP_ADD_PERMISSION)
    if by.pk != signup.member_id and not is_staff:
        raise PermissionDenied
    if signup.status == Signup.Status.CANCELLED:
        raise ActivityError(_("This sign-up was already cancelled."))
    if signup.checked_in_at:
        raise ActivityError(_("You have already checked in."))
    if now >= activity.cancel_until and not is_staff:
        raise ActivityError(_("The cancellation deadline has passed."))
    signup.status = Signup.Status.CANCELLED
    signup.cancelled_at = now
    signup.save(update_fields=["status", "cancelled_at"])
    hold = points_hold_for(source_key=signup.points_source_key)
    if hold is not None:
        points_hold_release(hold=hold)
    return _promote(activity=activity, now=now)


def _promote(*, activity: ActivityPage, now: datetime.datetime) -> list[Signup]:
    """Confirm the waiting list in order while the first fits (call with the activity locked)."""
    promoted = []
    waiting = Signup.objects.filter(activity=activity, status=Signup.Status.WAITING).order_by(
        "created_at", "pk"
    )
    for signup in waiting:
        if not _fits(activity, signup.places):
            break
        signup.status = Signup.Status.CONFIRMED
        signup.confirmed_at = now
        signup.save(update_fields=["status", "confirmed_at"])
        notify.after_commit(signup=signup, event="promoted")
        promoted.append(signup)
    return promoted


# --- check-in --------------------------------------------------------------------------------


def _profile_from_code(code: str) -> MemberProfile | None:
    """The member a scanned card (a token, or the URL the QR code holds) or a typed member
    number names; None when the card is forged or was replaced by a reissued one."""
    code = code.strip()
    if "/card/" in code:
        code = code.rstrip("/").rsplit("/", 1)[-1]
    if ":" in code:
        return card_profile_from_token(token=code)
    return (
        MemberProfile.objects.filter(member_number__iexact=code, anonymised_at__isnull=True)
        .select_related("user", "level")
        .first()
    )


@transaction.atomic
def activity_check_in(*, activity: ActivityPage, code: str, by: User) -> Signup:
    """Check a member in at the door. Raises ActivityError saying why not: an invalid or
    replaced card, no sign-up for this activity, on the waiting list, already checked in."""
    if not by.has_perm(CHECK_IN_PERMISSION):
        raise PermissionDenied
    if not code.strip():
        raise ActivityError(_("Scan a member card or type a member number."))
    profile = _profile_from_code(code)
    if profile is None:
        raise ActivityError(
            _("This card is not valid: it is forged, mistyped or was replaced by a reissued card.")
        )
    activity = _lock(activity)
    signup = (
        Signup.objects.select_for_update()
        .filter(activity=activity, member=profile.user, status__in=Signup.ACTIVE)
        .first()
    )
    if signup is None:
        raise ActivityError(
            _("%(member)s (%(number)s) has not signed up for this activity.")
            % {"member": profile.user.public_name, "number": profile.member_number}
        )
    if signup.status == Signup.Status.WAITING:
        raise ActivityError(
            _("%(member)s is on the waiting list, not confirmed.")
            % {"member": profile.user.public_name}
        )
    if signup.checked_in_at:
        raise ActivityError(
            _("%(member)s already checked in at %(time)s.")
            % {
                "member": profile.user.public_name,
                "time": timezone.localtime(signup.checked_in_at).strftime("%H:%M"),
            }
        )
    signup.checked_in_at = timezone.now()
    signup.checked_in_by = by
    signup.no_show = False
    signup.save(update_fields=["checked_in_at", "checked_in_by", "no_show"])
    hold = points_hold_for(source_key=signup.points_source_key)
    if hold is not None:
        points_hold_charge(hold=hold, by=by, category=PointsCategory.MEMBERSHIP)
    points_award(
        member=signup.member,
        rule_code=ATTENDED_RULE,
        source_key=f"activity:{activity.pk}:member:{signup.member_id}",
        reason=_("Attended: %(title)s") % {"title": activity.title},
        by=by,
    )
    return signup


@transaction.atomic
def activity_record_no_shows(*, activity: ActivityPage) -> int:
    """After an activity ended: confirmed members who never checked in did not come; their
    held points go back to them. Idempotent."""
    if not activity.is_past:
        return 0
    missing = list(
        Signup.objects.select_for_update().filter(
            activity=activity,
            status=Signup.Status.CONFIRMED,
            checked_in_at__isnull=True,
            no_show=False,
        )
    )
    for signup in missing:
        signup.no_show = True
        signup.save(update_fields=["no_show"])
        hold = points_hold_for(source_key=signup.points_source_key)
        if hold is not None:
            points_hold_release(hold=hold)
    return len(missing)


# --- after -----------------------------------------------------------------------------------


@transaction.atomic
def activity_rate(*, signup: Signup, by: User, rating: int, comment: str = "") -> Signup:
    """The follow-up (回访): an attendee rates the activity 1–5, once, with a comment."""
    if by.pk != signup.member_id:
        raise PermissionDenied
    if not signup.checked_in_at:
        raise ActivityError(_("Only members who attended can rate an activity."))
    if signup.rated_at:
        raise ActivityError(_("You have already rated this activity."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ActivityError(_("Choose a rating from 1 to 5."))
    signup.rating = rating
    signup.comment = comment.strip()[:1000]
    signup.rated_at = timezone.now()
    signup.save(update_fields=["rating", "comment", "rated_at"])
    return signup


@transaction.atomic
def experience_summary_save(
    *, activity: ActivityPage, by: User, went_well: str, to_improve: str, cost
) -> ExperienceSummary:
    if not by.has_perm(SUMMARY_PERMISSION):
        raise PermissionDenied
    summary, _created = ExperienceSummary.objects.get_or_create(activity=activity)
    summary.went_well = went_well
    summary.to_improve = to_improve
    summary.cost = cost
    summary.written_by = by
    summary.updated_at = timezone.now()
    summary.full_clean()
    summary.save()
    return summary


def activity_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind confirmed members of the activities starting tomorrow, once each (a claimed
    ``reminder_sent_at`` makes a second run, or a concurrent one, send nothing)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    due = Signup.objects.filter(
        status=Signup.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        activity__starts_at__date=tomorrow,
        activity__cancelled=False,
        activity__live=True,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Signup.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                notify.after_commit(signup=Signup.objects.get(pk=pk), event="reminder")
                sent += 1
    return sent


def activities_record_no_shows(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    recent = ActivityPage.objects.filter(
        ends_at__lt=now, ends_at__gte=now - datetime.timedelta(days=30)
    )
    return sum(activity_record_no_shows(activity=activity) for activity in recent)


@transaction.atomic
def activity_changes_announce(*, activity: ActivityPage) -> int:
    """After a publish: tell members who signed up when the time or place changed or the club
    cancelled the activity (cancelling releases their held points). Returns members told."""
    state = ActivityNoticeState.objects.select_for_update().filter(activity=activity).first()
    current = {
        "starts_at": activity.starts_at,
        "place": activity.place,
        "address": activity.address,
        "cancelled": activity.cancelled,
    }
    if state is None:
        ActivityNoticeState.objects.create(activity=activity, **current)
        return 0
    changed = [name for name, value in current.items() if getattr(state, name) != value]
    if not changed:
        return 0
    for name, value in current.items():
        setattr(state, name, value)
    state.save()
    event = "cancelled" if "cancelled" in changed and activity.cancelled else "changed"
    told = 0
    for signup in Signup.objects.filter(activity=activity, status__in=Signup.ACTIVE):
        if event == "cancelled":
            hold = points_hold_for(source_key=signup.points_source_key)
            if hold is not None:
                points_hold_release(hold=hold)
        notify.after_commit(signup=signup, event=event)
        told += 1
    return told
