"""Reads: what a reader may answer now, a vote's tally, a survey's results (aggregated in SQL)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, JSONField, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Random, RowNumber
from django.utils import timezone

from portal.members.models import UnitOwnership
from portal.surveys.audiences import survey_audience_includes
from portal.surveys.counters import survey_counts, survey_group_counts
from portal.surveys.models import (
    OwnersVote,
    SurveyAnswer,
    SurveyPage,
    SurveyParticipation,
    SurveyResponse,
    VoteBallot,
)
from portal.surveys.questions import Question
from portal.surveys.quorum import Tally

# Below this many responses a group's results are not shown in an anonymous survey.
MIN_GROUP = 5
CROSS_TAB_DIMENSIONS = ("level", "city", "project")
# Results are kept this long per survey version; a new response or revision makes a new version.
RESULTS_CACHE_SECONDS = 3600


def surveys_open_for(*, user) -> list[SurveyPage]:
    """Live, open surveys whose audience includes the reader and that they have not answered."""
    now = timezone.now()
    surveys = (
        SurveyPage.objects.live()
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("closes_at", "-first_published_at")
    )
    done = set()
    if user.is_authenticated:
        done = set(
            SurveyParticipation.objects.filter(member=user).values_list("survey_id", flat=True)
        )
    return [
        s for s in surveys if s.pk not in done and survey_audience_includes(survey=s, user=user)
    ]


def votes_open_for(*, user) -> list[OwnersVote]:
    """Open votes of the projects where the reader is a verified owner."""
    if not user.is_authenticated:
        return []
    projects = UnitOwnership.objects.filter(
        member=user, status=UnitOwnership.Status.VERIFIED
    ).values("project_id")
    now = timezone.now()
    return list(
        OwnersVote.objects.filter(project_id__in=projects, opens_at__lte=now, closes_at__gt=now)
        .select_related("project")
        .order_by("closes_at")
    )


def vote_may_view(*, vote: OwnersVote, user) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_perm("surveys.view_vote_audit") or user.has_perm("surveys.change_ownersvote"):
        return True
    return UnitOwnership.objects.filter(
        member=user, project=vote.project, status=UnitOwnership.Status.VERIFIED
    ).exists()


def vote_tally(*, vote: OwnersVote) -> Tally:
    totals = vote.units.aggregate(n=Count("pk"), area=Sum("area"))
    voted = vote.ballots.aggregate(n=Count("pk"), area=Sum("vote_unit__area"))
    approving = vote.ballots.filter(option__approves=True).aggregate(
        n=Count("pk"), area=Sum("vote_unit__area")
    )
    return Tally(
        total_units=totals["n"],
        total_area=totals["area"] or Decimal("0"),
        voted_units=voted["n"],
        voted_area=voted["area"] or Decimal("0"),
        approving_units=approving["n"],
        approving_area=approving["area"] or Decimal("0"),
        rule=vote.rule,
        weighted_by_area=vote.weighted_by_area,
    )


def vote_option_counts(*, vote: OwnersVote) -> list[dict]:
    counts = {
        row["option_id"]: row
        for row in vote.ballots.values("option_id").annotate(
            n=Count("pk"), area=Sum("vote_unit__area")
        )
    }
    return [
        {
            "option": option,
            "units": counts.get(option.pk, {}).get("n", 0),
            "area": counts.get(option.pk, {}).get("area") or Decimal("0"),
        }
        for option in vote.options.all()
    ]


def vote_open_ballots(*, vote: OwnersVote):
    """Each unit's choice, for open-ballot votes only (never the person who cast it)."""
    if not vote.open_ballot:
        return []
    return list(
        vote.ballots.select_related("vote_unit", "option").order_by(
            "vote_unit__building", "vote_unit__unit"
        )
    )


def vote_audit(*, vote: OwnersVote):
    return VoteBallot.objects.filter(vote=vote).select_related("vote_unit", "cast_by", "option")


# Survey results ------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    suppressed: bool = False
    counts: list[tuple[str, int, float]] = field(default_factory=list)  # label, count, percent
    average: float | None = None
    nps: int | None = None
    matrix: list[tuple[str, list[int]]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # The kept recurring phrases of a text question (``phrases.QuestionPhrases``), set by the
    # results view from their own rows: never part of the cached results.
    phrases: object = None


def _submitted(survey):
    return SurveyResponse.objects.filter(survey=survey, status=SurveyResponse.Status.SUBMITTED)


def survey_response_count(*, survey: SurveyPage) -> int:
    return _submitted(survey).count()


def survey_results_cache_key(*, survey: SurveyPage, total: int, part: str) -> str:
    # The version is the published revision and the number of submitted responses: responses
    # are only ever added, so a new one changes the key in every worker without a message
    # between them (the count is the page's total, read anyway).
    revision = survey.live_revision_id or survey.latest_revision_id or 0
    return f"surveys:results:{survey.pk}:{revision}:{total}:{part}"


def survey_results_cached(*, survey: SurveyPage, total: int) -> list[QuestionResult]:
    """``survey_results`` kept per survey version (``total``: ``survey_response_count``)."""
    key = survey_results_cache_key(survey=survey, total=total, part="all")
    results = cache.get(key)
    if results is None:
        results = survey_results(survey=survey)
        cache.set(key, results, RESULTS_CACHE_SECONDS)
    return results


def survey_cross_tabs_cached(*, survey: SurveyPage, dimension: str, total: int) -> list[dict]:
    if dimension not in CROSS_TAB_DIMENSIONS:
        raise ValueError(dimension)
    key = survey_results_cache_key(survey=survey, total=total, part=dimension)
    tabs = cache.get(key)
    if tabs is None:
        tabs = survey_cross_tabs(survey=survey, dimension=dimension)
        cache.set(key, tabs, RESULTS_CACHE_SECONDS)
    return tabs


def survey_results(*, survey: SurveyPage, text_limit: int = 200) -> list[QuestionResult]:
    """Per question: counts by choice (from the kept counters), averages, NPS."""
    questions = survey.question_list
    # The kept counters (what a GROUP BY of the answers by question, row and value gives, a
    # few hundred rows however many responses): choice counts, rating distributions (averages
    # follow from them) and text answer counts.
    grouped: dict[str, dict[tuple[str, str], int]] = {}
    for (question, row, value), n in survey_counts(survey_id=survey.pk).items():
        grouped.setdefault(question, {})[(row, value)] = n
    # Multiple choices and matrices have several rows per respondent and one marker row (no
    # row, no value) that counts them; the other kinds have one row per respondent.
    respondents = {}
    for question in questions:
        counts = grouped.get(question.key, {})
        if question.kind in ("multiple_choice", "matrix"):
            respondents[question.key] = counts.get(("", ""), 0)
        else:
            respondents[question.key] = sum(counts.values())
    texts = _latest_texts(
        survey=survey, keys=[q.key for q in questions if q.kind == "text"], limit=text_limit
    )
    results = []
    for question in questions:
        result = QuestionResult(question=question, answered=respondents.get(question.key, 0))
        if survey.anonymous and result.answered < MIN_GROUP:
            result.suppressed = True
            results.append(result)
            continue
        counts = grouped.get(question.key, {})
        total = result.answered or 1
        if question.kind in ("single_choice", "multiple_choice"):
            result.counts = [
                (c, counts.get(("", c), 0), 100 * counts.get(("", c), 0) / total)
                for c in question.choices
            ]
        elif question.kind in ("rating", "nps"):
            result.counts = [
                (str(v), counts.get(("", str(v)), 0), 100 * counts.get(("", str(v)), 0) / total)
                for v in question.scale_values
            ]
            if result.answered:
                total_score = sum(v * counts.get(("", str(v)), 0) for v in question.scale_values)
                result.average = round(total_score / result.answered, 2)
            if question.kind == "nps" and result.answered:
                promoters = sum(counts.get(("", str(v)), 0) for v in (9, 10))
                detractors = sum(counts.get(("", str(v)), 0) for v in range(0, 7))
                result.nps = round(100 * (promoters - detractors) / result.answered)
        elif question.kind == "matrix":
            result.matrix = [
                (row, [counts.get((row, col), 0) for col in question.columns])
                for row in question.rows
            ]
        elif question.kind == "text":
            result.texts = texts.get(question.key, [])
        results.append(result)
    return results


def _latest_texts(*, survey: SurveyPage, keys: list[str], limit: int) -> dict[str, list[str]]:
    """Up to ``limit`` free-text answers per question, newest first (in random order for an
    anonymous survey), for all text questions in one query: on PostgreSQL a UNION ALL of one
    index scan with a LIMIT per question (a window over every text answer took a second at
    100,000 responses); where a compound query cannot hold a LIMIT (SQLite), a window."""
    if not keys:
        return {}
    answers = SurveyAnswer.objects.filter(survey=survey).exclude(text="")
    order = "?" if survey.anonymous else "-response_id"
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [
            answers.filter(question=key)
            .order_by(order)
            .values_list("question", "text", "response")[:limit]
            for key in keys
        ]
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    else:
        window = Window(
            RowNumber(),
            partition_by=[F("question")],
            order_by=Random() if survey.anonymous else F("response_id").desc(),
        )
        rows = (
            answers.filter(question__in=keys)
            .annotate(rank=window)
            .filter(rank__lte=limit)
            .values_list("question", "text", "response")
        )
    texts: dict[str, list[tuple[int, str]]] = {}
    for key, text, response_id in rows:
        texts.setdefault(key, []).append((response_id, text))
    if survey.anonymous:
        return {key: [text for _id, text in items] for key, items in texts.items()}
    return {
        key: [text for _id, text in sorted(items, reverse=True)] for key, items in texts.items()
    }


CROSS_TAB_KINDS = ("single_choice", "multiple_choice", "rating", "nps")


def survey_cross_tabs(*, survey: SurveyPage, dimension: str) -> list[dict]:
    """For each choice, rating or NPS question, rows (group, respondents, [count per value]) by
    level, city or project, from the kept group counters (``SurveyGroupCount``). Groups under
    MIN_GROUP respondents are folded into one row for an anonymous survey, and that row too is
    hidden (``suppressed``) while it stays under MIN_GROUP."""
    if dimension not in CROSS_TAB_DIMENSIONS:
        raise ValueError(dimension)
    questions = [q for q in survey.question_list if q.kind in CROSS_TAB_KINDS]
    cells: dict[str, dict[str, dict[str, int]]] = {}
    grouped = survey_group_counts(
        survey_id=survey.pk, dimension=dimension, questions=[q.key for q in questions]
    )
    for (_dimension, group, question, value), n in grouped.items():
        cells.setdefault(question, {}).setdefault(group, {})[value] = n
    return [_cross_tab(survey=survey, question=q, cells=cells.get(q.key, {})) for q in questions]


def _cross_tab(*, survey, question: Question, cells: dict[str, dict[str, int]]) -> dict:
    values = question.choices or [str(v) for v in question.scale_values]
    # The marker row ("") counts a multiple choice's respondents; the others have one row each.
    sizes = {
        group: counts.get("", 0) if question.kind == "multiple_choice" else sum(counts.values())
        for group, counts in cells.items()
    }
    rows = []
    small_total, small_cells = 0, {}
    for group, size in sorted(sizes.items(), key=lambda item: -item[1]):
        counts = cells[group]
        if survey.anonymous and size < MIN_GROUP:
            small_total += size
            for value, n in counts.items():
                small_cells[value] = small_cells.get(value, 0) + n
            continue
        rows.append((group, size, [counts.get(v, 0) for v in values]))
    suppressed = False
    if small_total:
        if small_total >= MIN_GROUP:
            rows.append((None, small_total, [small_cells.get(v, 0) for v in values]))
        else:
            suppressed = True
    return {"question": question, "values": values, "rows": rows, "suppressed": suppressed}


def survey_export_rows(*, survey: SurveyPage):
    """The header and one row per submitted response; an anonymous survey's rows name no
    one and carry no time."""
    questions = survey.question_list
    columns = []
    for question in questions:
        if question.kind == "matrix":
            columns += [(question, row) for row in question.rows]
        else:
            columns.append((question, None))
    header = [] if survey.anonymous else ["member", "submitted_at"]
    header += ["level", "city", "project"]
    header += [f"{q.key}:{row}" if row is not None else q.key for q, row in columns]
    yield header
    responses = _submitted(survey).select_related("respondent").order_by("pk")
    if survey.anonymous:
        responses = responses.order_by("level", "city", "project", "pk")
    answer_map: dict[int, dict[tuple[str, str], list[str]]] = {}
    answers = SurveyAnswer.objects.filter(survey=survey).exclude(value="", text="")
    for answer in answers.order_by("pk").iterator():
        cell = answer.text or answer.value
        answer_map.setdefault(answer.response_id, {}).setdefault(
            (answer.question, answer.row), []
        ).append(cell)
    for response in responses.iterator():
        given = answer_map.get(response.pk, {})
        row = []
        if not survey.anonymous:
            row += [
                response.respondent.username if response.respondent else "",
                timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")
                if response.submitted_at
                else "",
            ]
        row += [response.level, response.city, response.project]
        for question, matrix_row in columns:
            row.append("; ".join(given.get((question.key, matrix_row or ""), [])))
        yield row


def survey_member_state(*, survey: SurveyPage, member) -> tuple[bool, dict | None]:
    """(whether ``member`` has answered ``survey``, their draft's answers or None), in one
    query: the survey page asks both of every member who opens it."""
    participation = SurveyParticipation.objects.filter(survey=OuterRef("pk"), member=member)
    draft = SurveyResponse.objects.filter(
        survey=OuterRef("pk"), respondent=member, status=SurveyResponse.Status.DRAFT
    ).values("draft")[:1]
    row = (
        SurveyPage.objects.filter(pk=survey.pk)
        .annotate(answered=Exists(participation), draft_answers=Subquery(draft, JSONField()))
        .values_list("answered", "draft_answers")
        .first()
    )
    if row is None:
        return False, None
    return row[0], row[1]


def survey_segment_consents_for(*, member) -> list[SurveyResponse]:
    """The member's responses whose answers they allowed to be used for member segments (the
    settings page lists them, each with a withdraw button), newest first."""
    if not member.is_authenticated:
        return []
    return list(
        SurveyResponse.objects.filter(respondent=member, segment_consent=True)
        .select_related("survey")
        .only("pk", "submitted_at", "status", "survey__title")
        .order_by("-submitted_at", "-pk")
    )
