"""Background work of the surveys (django-tasks): mining the recurring phrases of free-text
answers, which takes seconds for thousands of answers and never runs in a page request."""

from django_tasks import task


@task()
def survey_phrases_task(*, survey_id: int) -> dict:
    from portal.surveys.phrases import survey_phrases_refresh

    return survey_phrases_refresh(survey_id=survey_id)
