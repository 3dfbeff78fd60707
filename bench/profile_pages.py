"""Profile members' pages in one process: time per request, SQL queries and where the time goes.

    DATABASE_URL=… REDIS_URL=… python bench/profile_pages.py --requests 30 [--top 25]
        [--only topic,board] [--set FORUM_PERMISSION_CACHE=false]

Production settings against the load data (as bench/run.py), Django's test client, each page
requested by the reader it is measured for (the bench member, the bench moderator, the bench
engineering staff). Prints per page the median and p95 wall time, the median time inside SQL
and the number of queries, then (with --top) cProfile's heaviest functions by cumulative time
over all requests of that page (PROFILE_SORT=tottime sorts by own time). Warm: one unmeasured
request per page first.
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


def setup(assignments) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="bench-only-secret-key-not-for-any-public-site-0123456789abcdef",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        CACHE_KEY_PREFIX="bench",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(ROOT / "var" / "bench" / "static"),
    )
    for assignment in assignments:
        name, _sep, value = assignment.partition("=")
        os.environ[name] = value
    import django

    django.setup()


def pages() -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from targets import discover

    found = discover()
    return [
        ("topic", found["topic_20_posts"], found["member"]),
        ("board", found["board"], found["member"]),
        ("personal center", "/me/", found["member"]),
        ("triage queue", "/triage/", "bench_moderator"),
        ("department queue", "/triage/department/engineering/", "bench_engineering"),
        ("search 物业", "/search/?q=物业", found["member"]),
        ("search 绿化", "/search/?q=绿化", found["member"]),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=0, help="cProfile rows per page (0: none)")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    setup(args.set)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    print("| page | as | status | p50 ms | p95 ms | CPU ms (p50) | SQL ms (p50) | queries |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    profiles = []
    for name, path, username in pages():
        if wanted and name not in wanted or path is None:
            continue
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get(path)
        walls, cpus, sql, counts, status = [], [], [], [], None
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
            status = response.status_code
            sql.append(sum(spent) * 1000)
            counts.append(len(captured.captured_queries))
        walls.sort()
        p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
        print(
            f"| {name} | {username} | {status} | {statistics.median(walls):.1f} | {p95:.1f} "
            f"| {statistics.median(cpus):.1f} | {statistics.median(sql):.1f} | {max(counts)} |",
            flush=True,
        )
        if args.top:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(args.top)
            profiles.append((name, out.getvalue()))
    for name, text in profiles:
        print(f"\n### {name}\n")
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
