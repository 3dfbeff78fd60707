import importlib
import io
import os
import threading

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connections

from portal.members.points import member_levels_ensure
from portal.members.profiles import member_profile_ensure
from portal.surveys.counters import (
    survey_counts,
    survey_counts_fresh,
    survey_group_counts,
    survey_group_counts_fresh,
)
from portal.surveys.models import (
    SurveyAnswer,
    SurveyAnswerCount,
    SurveyGroupCount,
    SurveyResponse,
)
from portal.surveys.selectors import survey_results
from portal.surveys.services import survey_draft_save, survey_submit
from tests.factories import UserFactory
from tests.portal.surveys.conftest import GOOD_ANSWERS
from tests.portal.surveys.test_questions import form

VARIANTS = [
    {},
    {"q-visited": "没有", "q-rooms": [], "q-matrix-0": "一般"},
    {"q-recommend": "3", "q-service": "1", "q-rooms": ["儿童房"]},
    {"q-recommend": "10", "q-matrix-1": "好", "q-impression": "停车位不够"},
]


def submit(page, n):
    member = UserFactory(username=f"counted{n}")
    if n % 3:
        # Two levels and members without a profile: three groups in the cross-tabs.
        profile = member_profile_ensure(user=member)
        profile.level = member_levels_ensure()[n % 3]
        profile.save()
    data = {**GOOD_ANSWERS, **VARIANTS[n % len(VARIANTS)]}
    return survey_submit(survey=page, data=form(data), member=member)


def same_as_fresh(survey_id):
    assert survey_counts(survey_id=survey_id) == survey_counts_fresh(survey_id=survey_id)
    kept_groups = survey_group_counts(survey_id=survey_id)
    assert kept_groups == survey_group_counts_fresh(survey_id=survey_id)
    return kept_groups


def test_counters_equal_a_fresh_aggregation_after_submissions_drafts_and_deletions(
    make_survey,
):
    page = make_survey()
    anonymous = make_survey(anonymous=True)
    for n in range(6):
        submit(page, n)
    for n in range(6, 9):
        submit(anonymous, n)
    # Drafts, saved and edited, write no answers and move no counter.
    drafter = UserFactory(username="drafter")
    survey_draft_save(survey=page, member=drafter, data=form({"q-visited": "没有"}))
    survey_draft_save(survey=page, member=drafter, data=form({"q-visited": "参观过"}))
    same_as_fresh(page.pk)

    # A submitted response's snapshot corrected: its answers move to the new group.
    moved = SurveyResponse.objects.filter(survey=page, status="submitted").last()
    moved.city = "成都"
    moved.save()
    assert ("city", "成都", "visited", moved.answers.get(question="visited").value) in (
        survey_group_counts(survey_id=page.pk)
    )
    same_as_fresh(page.pk)

    # One submitted response deleted, a draft deleted, then two more by a queryset.
    SurveyResponse.objects.filter(survey=page, status="submitted").first().delete()
    SurveyResponse.objects.get(survey=page, respondent=drafter).delete()
    first_two = SurveyResponse.objects.filter(survey=anonymous).order_by("pk")[:2]
    SurveyResponse.objects.filter(pk__in=list(first_two.values_list("pk", flat=True))).delete()
    submit(page, 9)

    for survey in (page, anonymous):
        groups = same_as_fresh(survey.pk)
        assert all(n > 0 for n in survey_counts(survey_id=survey.pk).values())
        assert all(n > 0 for n in groups.values())
    # 6 submitted, one deleted, one more: 6 answered the first question.
    assert (
        sum(n for (q, _r, _v), n in survey_counts(survey_id=page.pk).items() if q == "visited") == 6
    )
    assert SurveyAnswerCount.objects.filter(survey=anonymous).count() > 0
    levels = {g for (d, g, _q, _v) in survey_group_counts(survey_id=page.pk) if d == "level"}
    assert len(levels) == 3


def test_results_read_the_counters(survey):
    for n in range(4):
        submit(survey, n)
    SurveyAnswerCount.objects.filter(
        survey=survey, question="visited", row="", value="参观过"
    ).update(n=1000)

    results = {r.question.key: r for r in survey_results(survey=survey)}

    assert results["visited"].counts[0][:2] == ("参观过", 1000)


def test_rebuild_command_and_migration_restore_the_counters_from_the_answers(survey):
    for n in range(5):
        submit(survey, n)
    truth = survey_counts_fresh(survey_id=survey.pk)
    group_truth = survey_group_counts_fresh(survey_id=survey.pk)
    SurveyGroupCount.objects.filter(survey=survey, question="service").delete()
    SurveyAnswerCount.objects.filter(survey=survey, question="visited").update(n=99)
    SurveyAnswerCount.objects.filter(survey=survey, question="rooms").delete()

    out = io.StringIO()
    call_command("survey_counts_rebuild", str(survey.pk), stdout=out)

    assert survey_counts(survey_id=survey.pk) == truth
    assert survey_group_counts(survey_id=survey.pk) == group_truth
    assert f"{len(truth) + len(group_truth)} counters" in out.getvalue()

    SurveyAnswerCount.objects.all().delete()
    SurveyGroupCount.objects.all().delete()
    importlib.import_module("portal.surveys.migrations.0006_answer_counts").counts_from_answers(
        apps, None
    )
    importlib.import_module(
        "portal.surveys.migrations.0007_group_counts"
    ).group_counts_from_answers(apps, None)

    assert survey_counts(survey_id=survey.pk) == truth
    assert survey_group_counts(survey_id=survey.pk) == group_truth


def test_deleting_the_survey_deletes_its_counters(survey):
    submit(survey, 0)
    assert SurveyAnswerCount.objects.filter(survey=survey).exists()

    survey.delete()

    assert not SurveyAnswerCount.objects.exists()
    assert not SurveyGroupCount.objects.exists()
    assert not SurveyAnswer.objects.exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads need a server database",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_lose_no_increment(make_survey):
    page = make_survey()
    members = [UserFactory(username=f"concurrent{n}") for n in range(8)]
    barrier = threading.Barrier(len(members))
    errors = []

    def answer(n):
        try:
            barrier.wait()
            data = {**GOOD_ANSWERS, **VARIANTS[n % len(VARIANTS)]}
            survey_submit(survey=page, data=form(data), member=members[n])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(len(members))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    same_as_fresh(page.pk)
    kept = survey_counts(survey_id=page.pk)
    assert kept[("visited", "", "参观过")] + kept[("visited", "", "没有")] == len(members)
