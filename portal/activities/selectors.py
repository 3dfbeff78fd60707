"""Reads: listings, the reader's sign-up state, eligibility, sign-up lists, the annual plan."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.activities.models import ActivityPage, ExperienceSummary, Signup
from portal.members.models import MemberProfile, UnitOwnership, User

NO_SHOW_WINDOW_DAYS = 365


# --- listings --------------------------------------------------------------------------------


def places_taken(*, activity: ActivityPage) -> int:
    return Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).aggregate(
        n=Sum("companions", default=0) + Count("pk")
    )["n"]


def waiting_position(*, signup: Signup) -> int:
    """1 for the first on the waiting list."""
    return (
        Signup.objects.filter(activity_id=signup.activity_id, status=Signup.Status.WAITING)
        .filter(
            Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)
        )
        .count()
        + 1
    )


def signup_active(*, activity: ActivityPage, member: User) -> Signup | None:
    if not member.is_authenticated:
        return None
    return Signup.objects.filter(activity=activity, member=member, status__in=Signup.ACTIVE).first()


def signups_for_member(*, member: User) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(member=member)
        .exclude(status=Signup.Status.CANCELLED, checked_in_at__isnull=True)
        .select_related("activity")
        # The surveys that name the activity (surveys' audience "attendees"): its 回访.
        .prefetch_related("activity__followup_surveys")
        .order_by("-activity__starts_at")
    )


def signups_for_activity(*, activity: ActivityPage) -> QuerySet[Signup]:
    return (
        Signup.objects.filter(activity=activity)
        .select_related("member", "member__member_profile", "member__member_profile__level")
        .order_by("status", "created_at", "pk")
    )


def attendees(*, activity: ActivityPage) -> QuerySet[User]:
    """The members checked in at the activity (whatever became of the sign-up since), in id
    order; anonymised members left out. Bulk points grants and survey audiences read this."""
    return (
        User.objects.filter(
            activity_signups__activity=activity,
            activity_signups__checked_in_at__isnull=False,
            member_profile__anonymised_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


def attended(*, activity_id: int, member: User) -> bool:
    return Signup.objects.filter(
        activity_id=activity_id, member=member, checked_in_at__isnull=False
    ).exists()


def activities_with_attendees(*, since: datetime.datetime) -> QuerySet[ActivityPage]:
    """Activities that started since ``since`` and checked someone in, newest first, each with
    ``n_attended``."""
    return (
        ActivityPage.objects.filter(
            starts_at__gte=since,
            starts_at__lte=timezone.now(),
            signups__checked_in_at__isnull=False,
        )
        .annotate(n_attended=Count("signups"))
        .order_by("-starts_at", "-pk")
    )


# --- eligibility -----------------------------------------------------------------------------


def no_shows(*, member: User, now: datetime.datetime | None = None) -> int:
    since = (now or timezone.now()) - datetime.timedelta(days=NO_SHOW_WINDOW_DAYS)
    return Signup.objects.filter(
        member=member, no_show=True, activity__starts_at__gte=since
    ).count()


def eligibility_refusal(*, activity: ActivityPage, member: User) -> str:
    """Why this member may not sign up; "" when they may."""
    Audience = ActivityPage.Audience
    if activity.audience == Audience.LEVEL and activity.min_level_id:
        profile = MemberProfile.objects.filter(user=member).select_related("level").first()
        level = profile.level if profile else None
        if level is None or level.rank < activity.min_level.rank:
            return _("This activity is for members from %(level)s up.") % {
                "level": activity.min_level.name
            }
    if activity.audience == Audience.OWNERS:
        projects = list(activity.eligible_projects.all())
        owns = UnitOwnership.objects.filter(
            member=member, status=UnitOwnership.Status.VERIFIED, project__in=projects
        ).exists()
        if not owns:
            names = "、".join(p.name for p in projects) or _("the chosen projects")
            return _("This activity is for verified owners of %(projects)s.") % {"projects": names}
    if (
        activity.audience == Audience.CIRCLE
        and activity.circle_id
        and not activity.circle.members.filter(pk=member.pk).exists()
    ):
        return _("This activity is for members of the circle %(circle)s.") % {
            "circle": activity.circle.name
        }
    if activity.max_no_shows is not None:
        missed = no_shows(member=member)
        if missed > activity.max_no_shows:
            return _(
                "You missed %(count)s activities in the past year without cancelling; this "
                "activity accepts at most %(limit)s."
            ) % {"count": missed, "limit": activity.max_no_shows}
    return ""


@dataclass
class SignupState:
    """What the reader sees on an activity page, and what they may do."""

    code: str  # login, signed_up, waiting, not_open, closed, cancelled, ineligible, full, open
    label: str
    reason: str = ""
    signup: Signup | None = None
    position: int = 0
    places_left: int = 0
    can_cancel: bool = False

    @property
    def can_sign_up(self) -> bool:
        return self.code in ("open", "full")


def signup_state(*, activity: ActivityPage, member, now: datetime.datetime | None = None):
    now = now or timezone.now()
    left = max(activity.capacity - places_taken(activity=activity), 0)
    if not member.is_authenticated:
        return SignupState("login", _("Log in to sign up"), places_left=left)
    signup = signup_active(activity=activity, member=member)
    if activity.cancelled:
        return SignupState("cancelled", _("Cancelled by the club"), signup=signup)
    can_cancel = signup is not None and now < activity.cancel_until and not signup.checked_in_at
    if signup is not None and signup.status == Signup.Status.CONFIRMED:
        return SignupState(
            "signed_up", _("Signed up"), signup=signup, places_left=left, can_cancel=can_cancel
        )
    if signup is not None:
        position = waiting_position(signup=signup)
        return SignupState(
            "waiting",
            _("Waiting list: number %(n)s") % {"n": position},
            signup=signup,
            position=position,
            places_left=left,
            can_cancel=can_cancel,
        )
    if activity.signup_opens_at and now < activity.signup_opens_at:
        return SignupState(
            "not_open",
            _("Not open yet"),
            reason=_("Sign-up opens on %(when)s.")
            % {"when": timezone.localtime(activity.signup_opens_at).strftime("%Y-%m-%d %H:%M")},
        )
    if now >= activity.signup_closes:
        return SignupState("closed", _("Sign-up closed"))
    refusal = eligibility_refusal(activity=activity, member=member)
    if refusal:
        return SignupState("ineligible", _("Not eligible"), reason=refusal)
    if left <= 0:
        return SignupState(
            "full",
            _("Full"),
            reason=_("You can join the waiting list; you move up when someone cancels."),
        )
    return SignupState("open", _("Open for sign-up"), places_left=left)


# --- staff reads -----------------------------------------------------------------------------


def member_find(*, text: str) -> User | None:
    """A member by member number or mobile (what a call-center agent is told)."""
    text = text.strip()
    if not text:
        return None
    profile = (
        MemberProfile.objects.filter(
            Q(member_number__iexact=text) | Q(mobile=text), anonymised_at__isnull=True
        )
        .select_related("user")
        .first()
    )
    return profile.user if profile else None


def activity_stats(*, activity: ActivityPage) -> dict:
    rows = Signup.objects.filter(activity=activity).aggregate(
        confirmed=Count("pk", filter=Q(status=Signup.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Signup.Status.WAITING)),
        attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
        no_shows=Count("pk", filter=Q(no_show=True)),
        average_rating=Avg("rating"),
        ratings=Count("rating"),
    )
    rows["rating"] = rows.pop("average_rating")
    rows["places_taken"] = places_taken(activity=activity)
    return rows


def case_library(*, query: str = "") -> QuerySet[ExperienceSummary]:
    """Past activities with an experience summary, newest first; ``query`` matches the
    activity's title, place and the summary's text."""
    summaries = ExperienceSummary.objects.select_related("activity").order_by(
        "-activity__starts_at"
    )
    for word in query.split()[:5]:
        summaries = summaries.filter(
            Q(activity__title__icontains=word)
            | Q(activity__place__icontains=word)
            | Q(activity__summary__icontains=word)
            | Q(went_well__icontains=word)
            | Q(to_improve__icontains=word)
        )
    return summaries


def annual_plan(*, year: int) -> list[dict]:
    """Month by month: every activity of the year (live or not) with budget, sign-ups,
    attendance and satisfaction."""
    activities = (
        ActivityPage.objects.filter(starts_at__year=year)
        .annotate(
            n_confirmed=Count("signups", filter=Q(signups__status=Signup.Status.CONFIRMED)),
            n_waiting=Count("signups", filter=Q(signups__status=Signup.Status.WAITING)),
            n_attended=Count("signups", filter=Q(signups__checked_in_at__isnull=False)),
            avg_rating=Avg("signups__rating"),
        )
        .select_related("experience_summary")
        .order_by("starts_at", "pk")
    )
    months = {month: [] for month in range(1, 13)}
    for activity in activities:
        months[timezone.localtime(activity.starts_at).month].append(activity)
    return [{"month": month, "activities": items} for month, items in months.items()]
