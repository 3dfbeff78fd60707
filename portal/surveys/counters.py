"""Answer counters, kept in the transaction that writes or deletes answers and rebuilt from the
answers on demand: ``SurveyAnswerCount`` (per question, matrix row and value) for the results,
``SurveyGroupCount`` (per level, city or project group, question and value) for the cross-tabs.
The results page reads these few hundred rows instead of grouping every answer of the survey
(3 M rows at 100,000 responses)."""

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from wagtail.models import Page

from portal.surveys.models import (
    SurveyAnswer,
    SurveyAnswerCount,
    SurveyGroupCount,
    SurveyResponse,
)

CountKey = tuple[str, str, str]  # question, row, value
GroupKey = tuple[str, str, str, str]  # dimension, group, question, value
DIMENSIONS = ("level", "city", "project")
ANSWER_KEY = ("question", "row", "value")
GROUP_KEY = ("dimension", "group", "question", "value")


def _upsert(model, key_fields: tuple[str, ...], *, survey_id: int, counts: dict) -> None:
    """Add ``counts`` (negative to subtract) to the survey's counters in one upsert.

    ``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` is atomic per row on PostgreSQL
    and SQLite, so concurrent submissions never lose an increment; the rows go in sorted order
    so two transactions lock the same counters in the same order and cannot deadlock."""
    counts = {key: n for key, n in counts.items() if n}
    if not counts:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    keys = ("survey_id", *key_fields)
    columns = ", ".join(quote(c) for c in (*keys, "n"))
    conflict = ", ".join(quote(c) for c in keys)
    n = quote("n")
    row = "(" + ", ".join(["%s"] * (len(keys) + 1)) + ")"
    params = []
    for key, amount in sorted(counts.items()):
        params += [survey_id, *key, amount]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(counts))} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}",
            params,
        )
    if any(amount < 0 for amount in counts.values()):
        # A counter back at zero is the same as no answer: keep the table equal to a fresh
        # aggregation, which has no zero groups.
        model.objects.filter(survey_id=survey_id, n__lte=0).delete()


def answer_counts_add(*, survey_id: int, counts: dict[CountKey, int]) -> None:
    _upsert(SurveyAnswerCount, ANSWER_KEY, survey_id=survey_id, counts=counts)


def group_counts_add(*, survey_id: int, counts: dict[GroupKey, int]) -> None:
    _upsert(SurveyGroupCount, GROUP_KEY, survey_id=survey_id, counts=counts)


def response_counts_add(
    *, survey_id: int, response: SurveyResponse, answers: Iterable[SurveyAnswer]
) -> None:
    """Count a submitted response's answers in both counter tables."""
    answers = list(answers)
    answer_counts_add(
        survey_id=survey_id, counts=dict(Counter((a.question, a.row, a.value) for a in answers))
    )
    groups: Counter = Counter()
    for answer in answers:
        if answer.row:
            continue  # matrix cells are not broken down
        for dimension in DIMENSIONS:
            groups[(dimension, getattr(response, dimension), answer.question, answer.value)] += 1
    group_counts_add(survey_id=survey_id, counts=dict(groups))


def _aggregate(answers: QuerySet) -> dict[CountKey, int]:
    return {
        (row["question"], row["row"], row["value"]): row["n"]
        for row in answers.values("question", "row", "value").annotate(n=Count("pk")).order_by()
    }


def _aggregate_groups(answers: QuerySet) -> dict[GroupKey, int]:
    counts = {}
    for dimension in DIMENSIONS:
        grouped = (
            answers.filter(row="")
            .annotate(group=F(f"response__{dimension}"))
            .values("group", "question", "value")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in grouped:
            counts[(dimension, row["group"], row["question"], row["value"])] = row["n"]
    return counts


def survey_counts_fresh(*, survey_id: int) -> dict[CountKey, int]:
    """The answer counters as a GROUP BY over the answers computes them now (the truth)."""
    return _aggregate(SurveyAnswer.objects.filter(survey_id=survey_id))


def survey_group_counts_fresh(*, survey_id: int) -> dict[GroupKey, int]:
    return _aggregate_groups(SurveyAnswer.objects.filter(survey_id=survey_id))


def survey_counts(*, survey_id: int) -> dict[CountKey, int]:
    """The kept answer counters, a few hundred rows for any number of responses."""
    return {
        (question, row, value): n
        for question, row, value, n in SurveyAnswerCount.objects.filter(
            survey_id=survey_id
        ).values_list("question", "row", "value", "n")
    }


def survey_group_counts(
    *, survey_id: int, dimension: str | None = None, questions: list[str] | None = None
) -> dict[GroupKey, int]:
    rows = SurveyGroupCount.objects.filter(survey_id=survey_id)
    if dimension is not None:
        rows = rows.filter(dimension=dimension)
    if questions is not None:
        rows = rows.filter(question__in=questions)
    return {
        (dimension_, group, question, value): n
        for dimension_, group, question, value, n in rows.values_list(
            "dimension", "group", "question", "value", "n"
        )
    }


@transaction.atomic
def survey_counts_rebuild(*, survey_id: int) -> int:
    """Recompute one survey's counters from its answers; returns how many counters it has.

    On PostgreSQL the counter tables are locked against writers first: a submission that
    already added to a counter has committed before the aggregation reads the answers, and
    one that has not waits and adds its own on top, so nothing is counted twice or lost."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (SurveyAnswerCount, SurveyGroupCount):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    SurveyAnswerCount.objects.filter(survey_id=survey_id).delete()
    SurveyGroupCount.objects.filter(survey_id=survey_id).delete()
    fresh = survey_counts_fresh(survey_id=survey_id)
    SurveyAnswerCount.objects.bulk_create(
        [
            SurveyAnswerCount(survey_id=survey_id, question=q, row=r, value=v, n=n)
            for (q, r, v), n in fresh.items()
        ],
        batch_size=1000,
    )
    groups = survey_group_counts_fresh(survey_id=survey_id)
    SurveyGroupCount.objects.bulk_create(
        [
            SurveyGroupCount(survey_id=survey_id, dimension=d, group=g, question=q, value=v, n=n)
            for (d, g, q, v), n in groups.items()
        ],
        batch_size=1000,
    )
    return len(fresh) + len(groups)


def _origin_is_a_page(origin) -> bool:
    if isinstance(origin, Page):
        return True
    return isinstance(origin, QuerySet) and issubclass(origin.model, Page)


@receiver(pre_delete, sender=SurveyResponse, dispatch_uid="surveys_response_counts")
def _response_deleted(sender, instance: SurveyResponse, origin=None, **kwargs) -> None:
    # Deleting the survey (or a page above it) deletes its counters too.
    if _origin_is_a_page(origin):
        return
    answers = SurveyAnswer.objects.filter(response=instance)
    counts = _aggregate(answers)
    if not counts:
        return
    answer_counts_add(survey_id=instance.survey_id, counts={k: -n for k, n in counts.items()})
    groups: Counter = Counter()
    for (question, row, value), n in counts.items():
        if row:
            continue
        for dimension in DIMENSIONS:
            groups[(dimension, getattr(instance, dimension), question, value)] -= n
    group_counts_add(survey_id=instance.survey_id, counts=dict(groups))


@receiver(pre_save, sender=SurveyResponse, dispatch_uid="surveys_response_group_counts")
def _response_snapshot_changed(sender, instance: SurveyResponse, raw=False, **kwargs) -> None:
    """A submitted response whose level, city or project snapshot is corrected moves its
    answers between groups (a draft, or the submission itself, has no counted answers yet).
    ``QuerySet.update()`` bypasses this: run ``survey_counts_rebuild`` after one."""
    if raw or instance.pk is None or instance.status != SurveyResponse.Status.SUBMITTED:
        return
    old = (
        SurveyResponse.objects.filter(pk=instance.pk, status=SurveyResponse.Status.SUBMITTED)
        .values(*DIMENSIONS)
        .first()
    )
    if old is None:
        return
    changed = [d for d in DIMENSIONS if old[d] != getattr(instance, d)]
    if not changed:
        return
    groups: Counter = Counter()
    for (question, _row, value), n in _aggregate(
        SurveyAnswer.objects.filter(response_id=instance.pk, row="")
    ).items():
        for dimension in changed:
            groups[(dimension, old[dimension], question, value)] -= n
            groups[(dimension, getattr(instance, dimension), question, value)] += n
    group_counts_add(survey_id=instance.survey_id, counts=dict(groups))
