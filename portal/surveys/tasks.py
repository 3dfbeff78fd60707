"""Background work of the surveys (django-tasks): mining the recurring phrases of free-text
answers, which takes seconds for thousands of answers and never runs in a page request."""

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from portal.surveys.models import SurveyPage
from portal.surveys.phrases import (
    queued_key,
    survey_phrases_refresh,
    surveys_closed_without_phrases,
)

# While a recomputation is queued, neither the button nor the sweep queues another.
QUEUED_SECONDS = 600


@task()
def survey_phrases_task(*, survey_id: int) -> dict:
    return survey_phrases_refresh(survey_id=survey_id)


def survey_phrases_request(*, survey: SurveyPage) -> bool:
    """Queue a recomputation after the current transaction (the results page's button); False
    when one is already queued and has not run yet."""
    if not cache.add(queued_key(survey.pk), True, QUEUED_SECONDS):
        return False
    transaction.on_commit(lambda: survey_phrases_task.enqueue(survey_id=survey.pk))
    return True


def survey_phrases_enqueue_closed(*, now=None) -> list[int]:
    """Queue the recomputation of every survey that closed since its phrases were computed
    (cron runs it through ``manage.py survey_phrases --closed``)."""
    queued = []
    for survey_id in surveys_closed_without_phrases(now=now):
        if cache.add(queued_key(survey_id), True, QUEUED_SECONDS):
            survey_phrases_task.enqueue(survey_id=survey_id)
            queued.append(survey_id)
    return queued
