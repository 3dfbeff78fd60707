from django.core.management.base import BaseCommand
from tqdm import tqdm

from forum.insight.services import monthly_figures_refresh, recurring_issues_refresh


class Command(BaseCommand):
    help = (
        "Group recent posts, complaints and suggestions into recurring issues and recompute the "
        "12-month report figures (run nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90, help="window in days (default 90)")
        parser.add_argument(
            "--min-posts", type=int, default=3, help="posts an issue needs (default 3)"
        )

    def handle(self, *args, days, min_posts, verbosity, **options):
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total, desc=stage, unit="post", disable=verbosity < 1, file=self.stderr
                )
            bar.update(done - bar.n)

        run = recurring_issues_refresh(days=days, progress=progress, min_posts=min_posts)
        for bar in bars.values():
            bar.close()
        figures = monthly_figures_refresh()
        self.stdout.write(
            f"posts={run.posts} issues={run.issues} seconds={run.seconds} figures={figures}"
        )
