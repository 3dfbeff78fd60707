from django.core.management.base import BaseCommand

from forum.cases.ticks import cases_tick


class Command(BaseCommand):
    help = (
        "Periodic work for cases: open missed cases, SLA warnings and escalations, and retrain "
        "the router when moderators added labels. Run every few minutes (cron / systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-train", action="store_true", help="Skip retraining.")

    def handle(self, *args, no_train=False, **options):
        result = cases_tick(retrain=not no_train)
        self.stdout.write(" ".join(f"{key}={value}" for key, value in result.items()))
