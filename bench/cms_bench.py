"""Time the Wagtail admin as editors and approvers meet it (issues #14 and #22).

    DATABASE_URL=… [REDIS_URL=…] python bench/cms_bench.py [--requests 15] [--top 25]
        [--only dashboard-approver,edit-news] [--settings portal.settings.production]

Needs a database seeded by ``manage.py seed_demo`` (or the load data with the demo accounts):
logs in as ``editor`` and ``approver`` with Django's test client and prints, for each admin
page, the median and p95 wall time, the median time inside SQL and the number of queries.
Pages: the dashboard (editor, approver), the explorer of the home page, of the news and of
the offers, the edit view of a news article, an offer, a handbook chapter, a newsletter, a
survey and an activity, and approve-and-publish through the editorial workflow (each round
the editor submits a fresh revision of a news article, then the approver's approve POST is
timed). Warm: one unmeasured
request per page first. With ``--top`` cProfile's heaviest functions follow each page.
Production settings (DEBUG off) unless ``--settings`` says otherwise; static files are served
from a manifest collected once into var/bench/static.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = ROOT / "var" / "bench" / "static"


def setup(settings_module: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY="bench-only-secret-key-not-for-any-public-site-0123456789abcdef",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        CACHE_KEY_PREFIX="cmsbench",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(STATIC_ROOT),
    )
    import django

    django.setup()
    from django.conf import settings

    manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    if manifest and not (STATIC_ROOT / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def first_pk(model) -> int | None:
    return model.objects.order_by("path").values_list("pk", flat=True).first()


def admin_pages() -> list[tuple[str, str, str]]:
    from django.urls import reverse

    from cms.models import (
        HandbookChapterPage,
        HomePage,
        NewsIndexPage,
        NewsletterPage,
        NewsPage,
        OfferIndexPage,
        OfferPage,
    )
    from portal.activities.models import ActivityPage
    from portal.surveys.models import SurveyPage

    found = [
        ("dashboard-editor", "/cms/", "editor"),
        ("dashboard-approver", "/cms/", "approver"),
        ("explorer", reverse("wagtailadmin_explore", args=(first_pk(HomePage),)), "editor"),
        (
            "explore-news",
            reverse("wagtailadmin_explore", args=(first_pk(NewsIndexPage),)),
            "editor",
        ),
        (
            "explore-offers",
            reverse("wagtailadmin_explore", args=(first_pk(OfferIndexPage),)),
            "editor",
        ),
    ]
    for name, model in [
        ("edit-news", NewsPage),
        ("edit-offer", OfferPage),
        ("edit-handbook", HandbookChapterPage),
        ("edit-newsletter", NewsletterPage),
        ("edit-survey", SurveyPage),
        ("edit-activity", ActivityPage),
    ]:
        pk = first_pk(model)
        if pk is not None:
            found.append((name, reverse("wagtailadmin_pages:edit", args=(pk,)), "editor"))
    return found


def submitted_news_task(*, editor) -> tuple[str, int]:
    """The editor saves a new revision of the first article and submits it: the approve URL."""
    from django.urls import reverse
    from wagtail.models import Workflow

    from cms.models import NewsPage

    article = NewsPage.objects.order_by("path").first().specific
    revision = article.save_revision(user=editor)
    workflow = article.get_workflow() or Workflow.objects.filter(active=True).first()
    state = workflow.start(article, editor)
    task_state = state.current_task_state
    assert task_state is not None and revision is not None
    url = reverse("wagtailadmin_pages:workflow_action", args=(article.pk, "approve", task_state.pk))
    return url, article.pk


def timed_request(client, method: str, path: str, profiler=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spent: list[float] = []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - began)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        began, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        response = getattr(client, method)(path)
        if profiler:
            profiler.disable()
        wall = (time.perf_counter() - began) * 1000
        cpu = (time.process_time() - cpu) * 1000
    return response, wall, cpu, sum(spent) * 1000, len(captured.captured_queries)


def row(name, username, status, walls, cpus, sql, counts) -> str:
    walls = sorted(walls)
    p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
    return (
        f"| {name} | {username} | {status} | {statistics.median(walls):.0f} | {p95:.0f} "
        f"| {statistics.median(cpus):.0f} | {statistics.median(sql):.0f} | {max(counts)} |"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--top", type=int, default=0, help="cProfile rows per page (0: none)")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--settings", default="portal.settings.production")
    args = parser.parse_args(argv)
    setup(args.settings)

    from django.contrib.auth import get_user_model
    from django.test import Client

    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["editor", "approver"])
    }
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    clients = {}
    for username, user in users.items():
        clients[username] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[username].force_login(user)

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| page | as | status | p50 ms | p95 ms | CPU ms (p50) | SQL ms (p50) | queries |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    profiles = []
    for name, path, username in admin_pages():
        if wanted and name not in wanted:
            continue
        client = clients[username]
        client.get(path)
        profiler = cProfile.Profile() if args.top else None
        walls, cpus, sql, counts, status = [], [], [], [], None
        for _ in range(args.requests):
            response, wall, cpu, in_sql, count = timed_request(client, "get", path, profiler)
            status = response.status_code
            walls.append(wall)
            cpus.append(cpu)
            sql.append(in_sql)
            counts.append(count)
        print(row(name, username, status, walls, cpus, sql, counts), flush=True)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            profiles.append((name, out.getvalue()))

    if not wanted or "approve-publish" in wanted:
        client = clients["approver"]
        profiler = cProfile.Profile() if args.top else None
        walls, cpus, sql, counts, status = [], [], [], [], None
        for round_ in range(args.requests + 1):
            url, _pk = submitted_news_task(editor=users["editor"])
            response, wall, cpu, in_sql, count = timed_request(
                client, "post", url, profiler if round_ else None
            )
            status = response.status_code
            if round_:  # the first round warms up
                walls.append(wall)
                cpus.append(cpu)
                sql.append(in_sql)
                counts.append(count)
        print(row("approve-publish", "approver", status, walls, cpus, sql, counts), flush=True)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
            profiles.append(("approve-publish", out.getvalue()))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for name, text in profiles:
        print(f"\n### {name}\n")
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
