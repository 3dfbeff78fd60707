"""Time the voice-of-the-customer pages (issue 16) on the load data, in one process.

    DATABASE_URL=… REDIS_URL=… python bench/insight_pages.py --requests 50 [--top 25]
        [--head bench_engineering_head] [--only "reports (moderator)"]

Production settings (as bench/profile_pages.py), Django's test client, each page requested by
the reader it is measured for: `/triage/reports/` and `/triage/improvements/` as the bench
moderator and as a head of the engineering department. The load data has no department head,
so `--head USERNAME` names one: that user is created if missing (no usable password) and added
to the engineering department's heads; say so when you report the figures. Run
`manage.py insight_refresh` first, or the report has no recurring issues to show.

`--items N` first makes sure the improvement list holds at least N items (the load data has
none): they are written directly from the current run's largest issues that have a department
(title, department, project, status spread over the pipeline, the issue's topics and cases, one
event each), as bench data, without the notices and points the services would send.

Prints the current insight run (window, posts, issues) and the improvement items, then per
page the median and p95 wall time, CPU time of the process, time inside SQL and queries per
request after one unmeasured request; with --top, cProfile's heaviest functions per page.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_pages import setup  # noqa: E402

HEAD_DEPARTMENT = "engineering"


def department_head(username: str):
    from django.contrib.auth import get_user_model

    from forum.cases.models import Department

    department = Department.objects.get(code=HEAD_DEPARTMENT)
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@load.kehuhui.example"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not department.heads.filter(pk=user.pk).exists():
        department.heads.add(user)
        print(f"bench: {username} added to the heads of {HEAD_DEPARTMENT}", flush=True)
    return user


def improvement_items_ensure(count: int, *, by) -> int:
    """Bench data: at least ``count`` improvement items, from the current run's issues."""
    from forum.insight.models import ImprovementEvent, ImprovementItem, RecurringIssue
    from forum.insight.selectors import current_run

    missing = count - ImprovementItem.objects.count()
    run = current_run()
    if missing <= 0 or run is None:
        return 0
    statuses = list(ImprovementItem.Status.values)
    issues = RecurringIssue.objects.filter(run=run, department__isnull=False).order_by(
        "-post_count", "pk"
    )[:missing]
    made = 0
    for n, issue in enumerate(issues):
        item = ImprovementItem.objects.create(
            title=f"{issue.name}（压测）"[:120],
            department_id=issue.department_id,
            project_id=issue.project_id,
            status=statuses[n % len(statuses)],
            source_issue_name=issue.name,
            created_by=by,
        )
        item.topics.set(issue.topic_ids)
        item.cases.set(issue.case_ids)
        ImprovementEvent.objects.create(
            item=item, actor=by, from_status="", to_status=item.status, reason="bench"
        )
        made += 1
    print(f"bench: {made} improvement items written (bench data, no notices)", flush=True)
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--top", type=int, default=0, help="cProfile rows per page (0: none)")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--head", default="bench_engineering_head", help="the department head")
    parser.add_argument("--items", type=int, default=0, help="improvement items to ensure")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    setup(args.set)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forum.insight.models import ImprovementItem, RecurringIssue
    from forum.insight.selectors import current_run

    moderator = get_user_model().objects.get(username="bench_moderator")
    if args.items:
        improvement_items_ensure(args.items, by=moderator)
    run = current_run()
    if run is None:
        print("bench: no finished insight run; run `manage.py insight_refresh` first")
    else:
        print(
            f"bench: insight run {run.pk}: {run.window_start:%Y-%m-%d} – "
            f"{run.window_end:%Y-%m-%d}, "
            f"{run.posts} posts, {RecurringIssue.objects.filter(run=run).count()} issues; "
            f"{ImprovementItem.objects.count()} improvement items",
            flush=True,
        )
    head = department_head(args.head)
    pages = [
        ("reports (moderator)", "/triage/reports/", moderator),
        ("reports (department head)", "/triage/reports/", head),
        ("improvements (moderator)", "/triage/improvements/", moderator),
        ("improvements (department head)", "/triage/improvements/", head),
    ]
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    print("| page | as | status | p50 ms | p95 ms | CPU ms (p50) | SQL ms (p50) | queries | KB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    profiles = []
    for name, path, user in pages:
        if wanted and name not in wanted:
            continue
        client = Client()
        client.force_login(user)
        client.get(path)
        walls, cpus, sql, counts, status, size = [], [], [], [], None, 0
        profiler = cProfile.Profile()
        for _ in range(args.requests):
            spent = []

            def timed(execute, sql_, params, many, context, spent=spent):
                began = time.perf_counter()
                try:
                    return execute(sql_, params, many, context)
                finally:
                    spent.append(time.perf_counter() - began)

            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
                began, cpu = time.perf_counter(), time.process_time()
                if args.top:
                    profiler.enable()
                response = client.get(path)
                if args.top:
                    profiler.disable()
                walls.append((time.perf_counter() - began) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            status, size = response.status_code, len(response.content)
            sql.append(sum(spent) * 1000)
            counts.append(len(captured.captured_queries))
        walls.sort()
        p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
        print(
            f"| {name} | {user.username} | {status} | {statistics.median(walls):.1f} | {p95:.1f} "
            f"| {statistics.median(cpus):.1f} | {statistics.median(sql):.1f} "
            f"| {min(counts)}–{max(counts)} | {size / 1024:.0f} |",
            flush=True,
        )
        if args.top:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            profiles.append((name, out.getvalue()))
    for name, text in profiles:
        print(f"\n### {name}\n")
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
