"""Who may answer a survey: ``survey_audience_includes(survey=..., user=...)``."""

from portal.activities.selectors import attended
from portal.members.models import MemberProfile, UnitOwnership
from portal.surveys.models import Audience, SurveyPage


def _profile(user) -> MemberProfile | None:
    return MemberProfile.objects.filter(user=user).select_related("level").first()


def survey_audience_includes(*, survey: SurveyPage, user) -> bool:
    if survey.audience == Audience.EVERYONE:
        return True
    if not user.is_authenticated:
        return False
    if survey.audience == Audience.MEMBERS:
        return True
    if survey.audience == Audience.LEVELS:
        profile = _profile(user)
        return bool(profile and profile.level_id in {level.pk for level in survey.levels.all()})
    if survey.audience == Audience.OWNERS:
        return UnitOwnership.objects.filter(
            member=user,
            status=UnitOwnership.Status.VERIFIED,
            project__in=[project.pk for project in survey.projects.all()],
        ).exists()
    if survey.audience == Audience.CASE_AUTHORS:
        # Looked up where cases live; the forum never imports surveys, so no circle.
        from forum.cases.models import Case

        return Case.objects.filter(
            topic__poster=user, status__in=(Case.Status.RESOLVED, Case.Status.CLOSED)
        ).exists()
    if survey.audience == Audience.ATTENDEES:
        return bool(survey.activity_id) and attended(activity_id=survey.activity_id, member=user)
    return False
