from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each area seeds its own demo data; order matters (accounts and projects first).
SEEDERS = (
    "portal.members.demo.seed",
    "portal.rewards.demo.seed",
    "forum.boards.demo.seed",
    "forum.cases.demo.seed",
    "forum.insight.demo.seed",
    "cms.demo.seed",
    "portal.activities.demo.seed",
    "portal.surveys.demo.seed",
    "portal.campaigns.demo.seed",
)


class Command(BaseCommand):
    help = "Create the demo accounts, housing projects, boards and a little content. Idempotent."

    def handle(self, *args, **options):
        for path in SEEDERS:
            import_string(path)(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with demo12345."))
