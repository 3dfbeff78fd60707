import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portal.loaddata.core import DEFAULT_PASSWORD, LoadDataError, LoadPlan, generate


class Command(BaseCommand):
    help = (
        "Fill a fresh database with club-scale load data (members with profiles, points and "
        "levels, owners, boards, topics, posts, cases, merchants, news, offers) for benchmarks. "
        "Deterministic for a seed; bulk inserts, no signals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--topics", type=int, default=2000)
        parser.add_argument("--posts", type=int, default=20000, help="Including first posts.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--projects", type=int, default=0, help="Housing projects; 0: one per 2,000 members."
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="The password of every generated user."
        )
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=None,
            help="Content ends on this day (YYYY-MM-DD); today by default.",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        plan = LoadPlan(
            members=options["members"],
            topics=options["topics"],
            posts=options["posts"],
            seed=options["seed"],
            projects=options["projects"],
            batch_size=options["batch_size"],
            password=options["password"],
            until=options["until"],
            progress=not options["no_progress"],
        )
        started = time.perf_counter()
        try:
            ctx = generate(plan, write=self.stdout.write)
        except LoadDataError as exc:
            raise CommandError(str(exc)) from exc
        total = time.perf_counter() - started
        for name, count in ctx.counts.items():
            self.stdout.write(f"{name}: {count}")
        posts_rate = ctx.counts.get("posts", 0) / max(ctx.seconds.get("posts", 0), 1e-9)
        self.stdout.write(
            self.style.SUCCESS(
                f"Load data ready in {total:.1f} s ({posts_rate:,.0f} posts/s in the posts step). "
                f"Every generated user's password: {plan.password}"
            )
        )
