"""Writes: answering a survey (drafts, submission, points) and owners' votes (creation with
its unit register, ballots). Each refusal raises ``SurveyError`` with a message for the reader
and records nothing."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members.models import MemberProfile, UnitOwnership, User
from portal.members.points import points_award
from portal.members.services import member_profile_update
from portal.surveys.audiences import survey_audience_includes
from portal.surveys.counters import response_counts_add
from portal.surveys.intention import profile_updates_from
from portal.surveys.models import (
    OwnersVote,
    SurveyAnswer,
    SurveyPage,
    SurveyParticipation,
    SurveyResponse,
    UnitArea,
    VoteBallot,
    VoteOption,
    VoteUnit,
)
from portal.surveys.questions import answers_clean

POINTS_EVENT = "survey_completed"


class SurveyError(Exception):
    """A refusal, with the message to show (``errors`` per question when answers are wrong)."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def _survey_check_answerable(*, survey: SurveyPage, user) -> None:
    if not survey.live:
        raise SurveyError(_("This survey is not published."))
    now = timezone.now()
    if survey.opens_at and now < survey.opens_at:
        raise SurveyError(_("This survey is not open yet."))
    if survey.closes_at and now >= survey.closes_at:
        raise SurveyError(
            _("This survey closed on %(date)s.")
            % {"date": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    if not survey_audience_includes(survey=survey, user=user):
        raise SurveyError(_("This survey is for another group of members."))


def survey_already_answered(*, survey: SurveyPage, user=None, visitor_key: str = "") -> bool:
    if user is not None and user.is_authenticated:
        return SurveyParticipation.objects.filter(survey=survey, member=user).exists()
    if visitor_key:
        return SurveyParticipation.objects.filter(survey=survey, visitor_key=visitor_key).exists()
    return False


@transaction.atomic
def survey_draft_save(*, survey: SurveyPage, member: User, data) -> SurveyResponse:
    """Keep what the member answered so far (invalid values are dropped)."""
    _survey_check_answerable(survey=survey, user=member)
    if survey_already_answered(survey=survey, user=member):
        raise SurveyError(_("You have already answered this survey."))
    answers, _errors = answers_clean(survey.question_list, data, partial=True)
    response, _created = SurveyResponse.objects.get_or_create(
        survey=survey, respondent=member, defaults={"draft": answers}
    )
    if response.status != SurveyResponse.Status.DRAFT:
        raise SurveyError(_("You have already answered this survey."))
    response.draft = answers
    response.save(update_fields=["draft"])
    return response


def _snapshot(member: User | None) -> dict:
    if member is None:
        return {}
    profile = MemberProfile.objects.filter(user=member).select_related("level").first()
    ownership = (
        UnitOwnership.objects.filter(member=member, status=UnitOwnership.Status.VERIFIED)
        .select_related("project")
        .order_by("pk")
        .first()
    )
    return {
        "level": profile.level.name if profile and profile.level else "",
        "city": (profile.city if profile else "") or (ownership.project.city if ownership else ""),
        "project": ownership.project.name if ownership else "",
    }


def _answer_rows(*, survey: SurveyPage, response: SurveyResponse, answers: dict) -> list:
    rows = []
    for question in survey.question_list:
        answer = answers.get(question.key)
        if answer is None:
            continue
        base = {"survey": survey, "response": response, "question": question.key}
        if question.kind == "multiple_choice":
            rows += [SurveyAnswer(**base, value=choice) for choice in answer]
        elif question.kind == "matrix":
            rows += [SurveyAnswer(**base, row=row, value=col) for row, col in answer.items()]
        if question.kind in ("multiple_choice", "matrix"):
            # A marker row (no row, no value): respondents are counted without COUNT(DISTINCT).
            rows.append(SurveyAnswer(**base))
        elif question.kind in ("rating", "nps"):
            rows.append(SurveyAnswer(**base, value=str(answer), number=answer))
        elif question.kind == "text":
            rows.append(SurveyAnswer(**base, text=answer))
        else:
            rows.append(SurveyAnswer(**base, value=answer))
    return rows


def survey_submit(
    *,
    survey: SurveyPage,
    data,
    member: User | None = None,
    visitor_key: str = "",
    profile_consent: bool = False,
    segment_consent: bool = False,
) -> SurveyResponse:
    """Record a complete response once per member (or visitor token), pay the points rule of
    ``survey_completed`` once, and in an anonymous survey forget who answered. With the
    member's consent, a purchase-intention survey updates their profile; with the consent of
    a survey usable for member segments, the response may be selected by campaign segments."""
    if member is None and not visitor_key:
        raise SurveyError(_("Log in to answer this survey."))
    user = member
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    _survey_check_answerable(survey=survey, user=user)
    answers, errors = answers_clean(survey.question_list, data)
    if errors:
        raise SurveyError(_("Please correct the answers marked below."), errors)
    try:
        with transaction.atomic():
            response = _survey_submit_write(
                survey=survey,
                answers=answers,
                member=member,
                visitor_key=visitor_key,
                segment_consent=bool(
                    segment_consent
                    and member is not None
                    and survey.segment_use
                    and not survey.anonymous
                ),
            )
            if profile_consent and member is not None and survey.feeds_profile:
                updates = profile_updates_from(answers)
                if updates and not survey.anonymous:
                    member_profile_update(user=member, **updates)
            return response
    except IntegrityError:
        # The unique participation of a concurrent submission won the race.
        raise SurveyError(_("You have already answered this survey.")) from None


def _survey_submit_write(
    *, survey, answers, member, visitor_key, segment_consent=False
) -> SurveyResponse:
    if survey_already_answered(survey=survey, user=member, visitor_key=visitor_key):
        raise SurveyError(_("You have already answered this survey."))
    SurveyParticipation.objects.create(
        survey=survey, member=member, visitor_key="" if member else visitor_key
    )
    response = None
    if member is not None:
        response = (
            SurveyResponse.objects.select_for_update()
            .filter(survey=survey, respondent=member)
            .first()
        )
    if response is None:
        response = SurveyResponse(survey=survey, respondent=member)
    now = timezone.now()
    for name, value in _snapshot(member).items():
        setattr(response, name, value)
    response.status = SurveyResponse.Status.SUBMITTED
    response.segment_consent = segment_consent
    response.draft = {}
    if survey.anonymous:
        response.respondent = None
        # To the hour, so the time cannot single out the participation of the same minute.
        response.submitted_at = now.replace(minute=0, second=0, microsecond=0)
    else:
        response.submitted_at = now
    response.save()
    rows = _answer_rows(survey=survey, response=response, answers=answers)
    SurveyAnswer.objects.bulk_create(rows)
    response_counts_add(survey_id=survey.pk, response=response, answers=rows)
    if member is not None:
        points_award(
            member=member,
            rule_code=POINTS_EVENT,
            source_key=f"survey:{survey.pk}",
            reason=_("Survey: %(title)s") % {"title": survey.title},
        )
    return response


# Owners' votes -------------------------------------------------------------------------------

DEFAULT_OPTIONS = (("同意", True), ("反对", False), ("弃权", False))


@transaction.atomic
def owners_vote_create(
    *,
    project,
    title: str,
    description: str,
    closes_at: datetime.datetime,
    by: User | None,
    opens_at: datetime.datetime | None = None,
    buildings: str = "",
    rule: str = "ordinary",
    weighted_by_area: bool = True,
    open_ballot: bool = False,
    options=DEFAULT_OPTIONS,
) -> OwnersVote:
    """Create a vote and copy the units (and areas) of the register it covers."""
    vote = OwnersVote(
        project=project,
        title=title,
        description=description,
        opens_at=opens_at or timezone.now(),
        closes_at=closes_at,
        buildings=buildings,
        rule=rule,
        weighted_by_area=weighted_by_area,
        open_ballot=open_ballot,
        created_by=by,
    )
    vote.full_clean()
    vote.save()
    for order, (label, approves) in enumerate(options):
        VoteOption.objects.create(vote=vote, label=label, approves=approves, sort_order=order)
    owners_vote_register_units(vote=vote)
    return vote


def owners_vote_register_units(*, vote: OwnersVote) -> int:
    """Copy the register's units into the vote (once: a vote with units keeps them)."""
    if vote.units.exists():
        return vote.units.count()
    register = UnitArea.objects.filter(project=vote.project)
    if vote.building_list:
        register = register.filter(building__in=vote.building_list)
    if not register.exists():
        raise SurveyError(_("The register has no units for this project and these buildings."))
    units = [VoteUnit(vote=vote, building=u.building, unit=u.unit, area=u.area) for u in register]
    VoteUnit.objects.bulk_create(units)
    return len(units)


def vote_units_of(*, vote: OwnersVote, member: User):
    """The vote's units this member owns, verified, now."""
    owned = UnitOwnership.objects.filter(
        member=member, project=vote.project, status=UnitOwnership.Status.VERIFIED
    ).values_list("building", "unit")
    keys = set(owned)
    if not keys:
        return VoteUnit.objects.none()
    units = vote.units.filter(building__in={b for b, _u in keys}, unit__in={u for _b, u in keys})
    return [unit for unit in units.select_related("ballot") if (unit.building, unit.unit) in keys]


def owners_vote_cast(*, vote: OwnersVote, vote_unit_id, option_id, member: User) -> VoteBallot:
    """Cast a unit's ballot; any verified owner of the unit may, the first one decides."""
    if not vote.is_open():
        if vote.is_closed():
            raise SurveyError(_("This vote has closed."))
        raise SurveyError(_("This vote has not opened yet."))
    try:
        vote_unit = vote.units.get(pk=int(vote_unit_id))
        option = vote.options.get(pk=int(option_id))
    except (TypeError, ValueError, VoteUnit.DoesNotExist, VoteOption.DoesNotExist):
        raise SurveyError(_("Choose one of your units and one of the options.")) from None
    verified = UnitOwnership.objects.filter(
        member=member,
        project=vote.project,
        building=vote_unit.building,
        unit=vote_unit.unit,
        status=UnitOwnership.Status.VERIFIED,
    ).exists()
    if not verified:
        raise SurveyError(_("Only a verified owner of this unit may cast its ballot."))
    try:
        with transaction.atomic():
            return VoteBallot.objects.create(
                vote=vote, vote_unit=vote_unit, option=option, cast_by=member
            )
    except IntegrityError:
        raise SurveyError(
            _("The ballot of %(unit)s has already been cast.") % {"unit": vote_unit}
        ) from None


@transaction.atomic
def survey_segment_consent_withdraw(*, member: User, response_id) -> SurveyResponse:
    """The member takes back the consent they gave on a survey for member segments: from the
    next count, send or export on, their answers select them for nothing (the campaigns'
    selector requires the consent at query time). Only their own response with a consent is
    found; anything else raises ``SurveyResponse.DoesNotExist``."""
    try:
        pk = int(response_id)
    except (TypeError, ValueError):
        raise SurveyResponse.DoesNotExist from None
    response = SurveyResponse.objects.select_for_update().get(
        pk=pk, respondent=member, segment_consent=True
    )
    response.segment_consent = False
    response.save(update_fields=["segment_consent"])
    return response
