"""Mine the recurring phrases of the surveys' free-text answers (docs/surveys.md)."""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from portal.surveys.models import SurveyPage
from portal.surveys.phrases import survey_phrases_refresh
from portal.surveys.tasks import survey_phrases_enqueue_closed


class Command(BaseCommand):
    help = (
        "Recompute the recurring phrases of free-text answers: of the given surveys, or of every "
        "live survey that has opened; --closed only queues those that closed since their last "
        "computation (for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("survey_ids", nargs="*", type=int, help="page ids (default: all)")
        parser.add_argument(
            "--closed",
            action="store_true",
            help="queue a background task for each survey closed since its phrases were computed",
        )

    def handle(self, *args, survey_ids, closed, **options):
        if closed:
            queued = survey_phrases_enqueue_closed()
            self.stdout.write(f"queued={len(queued)}")
            return
        surveys = SurveyPage.objects.order_by("pk")
        if survey_ids:
            surveys = surveys.filter(pk__in=survey_ids)
        else:
            now = timezone.now()
            surveys = surveys.live().filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        for survey in surveys:
            if not any(q.kind == "text" for q in survey.question_list):
                continue
            done = survey_phrases_refresh(survey_id=survey.pk)
            self.stdout.write(
                f"{survey.pk} {survey.title}: questions={done['questions']} "
                f"answers={done['answers']} phrases={done['phrases']} seconds={done['seconds']}"
            )
