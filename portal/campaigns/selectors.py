"""Reads: which members a segment holds, who of them each channel may reach, campaign figures."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portal.activities.models import Signup
from portal.campaigns.models import Campaign, Channel, Delivery
from portal.members.models import UnitOwnership, User
from portal.surveys.models import OwnersVote, SurveyAnswer, SurveyResponse, VoteUnit


def _writable() -> Q:
    return Q(
        is_active=True,
        member_profile__isnull=False,
        member_profile__anonymised_at__isnull=True,
        member_profile__deletion_requested_at__isnull=True,
    )


def _members_base() -> QuerySet[User]:
    """Members who can be written to at all: active, not anonymised, not leaving."""
    return User.objects.filter(_writable())


def segment_members(*, filters: dict, today: datetime.date | None = None) -> QuerySet[User]:
    """The members a segment's filters select (each filter empty = no condition)."""
    today = today or timezone.localdate()
    members = _members_base()
    if filters.get("levels"):
        members = members.filter(member_profile__level__code__in=filters["levels"])
    if filters.get("cities"):
        members = members.filter(member_profile__city__in=filters["cities"])
    verified = UnitOwnership.objects.filter(
        member=OuterRef("pk"), status=UnitOwnership.Status.VERIFIED
    )
    if filters.get("projects"):
        members = members.filter(Exists(verified.filter(project_id__in=filters["projects"])))
    if filters.get("owner") == "yes":
        members = members.filter(Exists(verified))
    elif filters.get("owner") == "no":
        members = members.filter(~Exists(verified))
    if filters.get("interests"):
        any_interest = Q()
        for code in filters["interests"]:
            any_interest |= Q(member_profile__interests__contains=f",{code},")
        members = members.filter(any_interest)
    if filters.get("family"):
        members = members.filter(member_profile__family__in=filters["family"])
    if filters.get("age_min") is not None:
        members = members.filter(member_profile__birth_year__lte=today.year - filters["age_min"])
    if filters.get("age_max") is not None:
        members = members.filter(member_profile__birth_year__gte=today.year - filters["age_max"])
    if filters.get("birth_month"):
        members = members.filter(member_profile__birth_month=filters["birth_month"])
    if filters.get("intention") == "yes":
        members = members.filter(
            Q(member_profile__purchase_budget__isnull=False) | ~Q(member_profile__purchase_type="")
        )
    if filters.get("purchase_types"):
        members = members.filter(member_profile__purchase_type__in=filters["purchase_types"])
    if filters.get("budget_min") is not None:
        members = members.filter(member_profile__purchase_budget__gte=filters["budget_min"])
    if filters.get("attended"):
        since = timezone.now() - datetime.timedelta(days=filters.get("attended_days") or 365)
        attended = Signup.objects.filter(
            member=OuterRef("pk"), checked_in_at__isnull=False, checked_in_at__gte=since
        )
        members = members.filter(
            Exists(attended) if filters["attended"] == "yes" else ~Exists(attended)
        )
    if filters.get("survey"):
        members = members.filter(Exists(_survey_answered(filters)))
    if filters.get("active_days"):
        since = timezone.now() - datetime.timedelta(days=filters["active_days"])
        members = members.filter(last_login__gte=since)
    if filters.get("inactive_days"):
        since = timezone.now() - datetime.timedelta(days=filters["inactive_days"])
        members = members.filter(Q(last_login__lt=since) | Q(last_login__isnull=True))
    return members


def _survey_answered(filters: dict) -> QuerySet[SurveyAnswer]:
    """Answers giving the chosen choice, of submitted responses whose respondent consented, to
    a survey (still) usable for segments: anonymous responses name no one and never match."""
    return SurveyAnswer.objects.filter(
        survey_id=filters["survey"],
        survey__segment_use=True,
        survey__anonymous=False,
        question=filters.get("survey_question") or "",
        value=filters.get("survey_choice") or "",
        response__respondent=OuterRef("pk"),
        response__status=SurveyResponse.Status.SUBMITTED,
        response__segment_consent=True,
    ).exclude(value="")


def channel_consent(*, channel: str, kind: str) -> Q:
    """Who a channel may reach: an address always, the member's yes for marketing.

    Service messages (a changed activity time, a points notice) reach every member with an
    address; marketing needs the preference of that channel, the one the member's settings page
    and the unsubscribe link both change."""
    marketing = kind == Campaign.Kind.MARKETING
    if channel == Channel.MAIL:
        q = ~Q(email="")
        return q & Q(member_profile__notify_club_news=True) if marketing else q
    if channel == Channel.SMS:
        q = Q(member_profile__mobile__isnull=False) & ~Q(member_profile__mobile="")
        return q & Q(member_profile__sms_club_news=True) if marketing else q
    return Q(member_profile__notice_club_news=True) if marketing else Q()


def segment_reach(*, filters: dict, kind: str = Campaign.Kind.MARKETING) -> dict[str, int]:
    """How many members the filters select, and how many each channel may reach (one query)."""
    return segment_members(filters=filters).aggregate(
        members=Count("pk"),
        **{
            channel: Count("pk", filter=channel_consent(channel=channel, kind=kind))
            for channel in Channel.values
        },
    )


def vote_pending_owners(*, vote: OwnersVote, member_ids=None) -> QuerySet[User]:
    """Members holding a verified ownership of a unit of the vote that has no ballot yet, each
    once however many such units they own (one query: ownership → the vote's unit → no ballot).
    Unverified claims and owners of another project are never in it."""
    pending = VoteUnit.objects.filter(
        vote=vote, building=OuterRef("building"), unit=OuterRef("unit"), ballot__isnull=True
    )
    ownerships = UnitOwnership.objects.filter(
        Exists(pending), project_id=vote.project_id, status=UnitOwnership.Status.VERIFIED
    )
    if member_ids is not None:
        ownerships = ownerships.filter(member_id__in=member_ids)
    return User.objects.filter(pk__in=ownerships.values("member_id"))


def vote_reminder_reach(*, vote: OwnersVote) -> dict[str, int]:
    """The vote's pending owners (``owners``), those who can be written to at all
    (``members``: not closed, anonymised or leaving) and how many each channel reaches with a
    service message (an address on it)."""
    writable = _writable()
    return vote_pending_owners(vote=vote).aggregate(
        owners=Count("pk"),
        members=Count("pk", filter=writable),
        **{
            channel: Count(
                "pk", filter=writable & channel_consent(channel=channel, kind=Campaign.Kind.SERVICE)
            )
            for channel in Channel.values
        },
    )


def campaign_reach(*, campaign: Campaign) -> dict[str, int]:
    """How many members the campaign's segment (or vote) holds and each channel reaches."""
    if campaign.vote_id:
        return vote_reminder_reach(vote=campaign.vote)
    return segment_reach(filters=campaign.segment.filters, kind=campaign.kind)


def campaign_recipients(*, campaign: Campaign, channel: str) -> QuerySet[User]:
    if campaign.vote_id:
        members = _members_base().filter(pk__in=vote_pending_owners(vote=campaign.vote))
    else:
        members = segment_members(filters=campaign.segment.filters)
    return members.filter(channel_consent(channel=channel, kind=campaign.kind))


def vote_reminder_still_due(*, campaign: Campaign, member_ids) -> set[int]:
    """Of these members, those a vote reminder should still reach at send time: they still
    hold a verified ownership of a unit of the vote without a ballot."""
    return set(
        vote_pending_owners(vote=campaign.vote, member_ids=member_ids).values_list("pk", flat=True)
    )


def campaign_stats(*, campaign: Campaign) -> dict[str, dict[str, int]]:
    """Per channel: recipients, and how many are queued, sent, failed, deferred, skipped,
    unsubscribed and clicked."""
    rows = (
        Delivery.objects.filter(campaign=campaign)
        .values("channel")
        .annotate(
            recipients=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in Delivery.Status.values},
            unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
            clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
        )
    )
    return {row.pop("channel"): row for row in rows}


def campaign_deliveries(*, campaign: Campaign, status: str = "") -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(campaign=campaign).select_related("member")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("pk")
