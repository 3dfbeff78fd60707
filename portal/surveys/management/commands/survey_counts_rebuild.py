"""Recompute the surveys' answer counters from their answers (the answers are the truth)."""

from django.core.management.base import BaseCommand

from portal.surveys.counters import survey_counts_rebuild
from portal.surveys.models import SurveyPage


class Command(BaseCommand):
    help = "Rebuild the per-value answer counters of surveys from their answers."

    def add_arguments(self, parser):
        parser.add_argument("survey_ids", nargs="*", type=int, help="page ids (default: all)")

    def handle(self, *args, survey_ids, **options):
        surveys = SurveyPage.objects.order_by("pk")
        if survey_ids:
            surveys = surveys.filter(pk__in=survey_ids)
        for survey_id, title in surveys.values_list("pk", "title"):
            counters = survey_counts_rebuild(survey_id=survey_id)
            self.stdout.write(f"{survey_id} {title}: {counters} counters")
