"""A 20-question survey page for a member, with and without a draft, beside the bare view
(issue 19: under 50 ms), in one process through the Django test client (not a test).

It imports the project from the current directory, so the same script times two checkouts
on the same database, alternately (``before`` an export of main, ``after`` this branch):

    createdb -h 127.0.0.1 -U postgres kh_surveys_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kh_surveys_bench
    (cd /tmp/before && python /path/to/bench/survey_page_bench.py --setup)   # migrate first
    for round in 1 2; do
      (cd /tmp/before && python /path/to/bench/survey_page_bench.py --label before)
      (cd /path/to/branch && python bench/survey_page_bench.py --label after)
    done

Each page is requested ``--repeat`` times after two unmeasured requests, interleaved with the
bare view (``/bench/bare``: the same middleware, an "ok" body); it prints the SQL queries of
one request, the medians and the ratio to the bare view's median, and the median CPU time of
this process per request (what the database's waiting does not inflate on a loaded machine).
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ["BENCH_BARE_VIEW"] = "true"
os.environ.setdefault("PAGE_CACHE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from cms.models import HomePage  # noqa: E402
from portal.surveys.models import SurveyIndexPage, SurveyPage, SurveyResponse  # noqa: E402

SLUG = "bench-survey-page-20"
BLOCKS = [
    ("section", {"heading": "基本情况", "text": ""}),
    ("single_choice", {"label": "您参观过样板间吗？", "choices": ["参观过", "没有"]}),
    ("text", {"label": "样板间给您的印象", "long": True, "required": False}),
    ("multiple_choice", {"label": "您需要的房间", "choices": ["书房", "儿童房", "储藏室"],
                         "required": False}),
    ("rating", {"label": "服务满意度", "scale": 5}),
    ("nps", {"label": "推荐给朋友的可能性"}),
    ("matrix", {"label": "请评价", "rows": ["绿化", "停车", "安保"],
                "columns": ["好", "一般", "差"], "required": False}),
]  # fmt: skip
DRAFT = {
    "q1": "参观过",
    "q2": "采光很好，户型方正",
    "q3": ["书房", "储藏室"],
    "q4": 4,
    "q5": 9,
    "q6": {"绿化": "好", "停车": "差"},
}


def survey_blocks() -> list[dict]:
    blocks, n, key = [], 0, 0
    while key < 20:
        kind, value = BLOCKS[n % len(BLOCKS)]
        n += 1
        if kind == "section":
            blocks.append({"type": kind, "value": {**value, "heading": f"第 {n // 7 + 1} 部分"}})
            continue
        key += 1
        blocks.append({"type": kind, "value": {"key": f"q{key}", "required": True, **value}})
    return blocks


def setup() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    home = HomePage.objects.first()
    if home is None:
        call_command("seed_demo", verbosity=0)
        home = HomePage.objects.first()
    index = SurveyIndexPage.objects.first()
    if index is None:
        index = SurveyIndexPage(title="问卷调查", slug="surveys")
        home.add_child(instance=index)
        index.save_revision().publish()
    if not SurveyPage.objects.filter(slug=SLUG).exists():
        page = SurveyPage(title="基准测试：20 题问卷", slug=SLUG, questions=survey_blocks())
        index.add_child(instance=page)
        page.save_revision().publish()
    page = SurveyPage.objects.get(slug=SLUG)
    users = get_user_model()
    for name in ("bench_nodraft", "bench_draft"):
        if not users.objects.filter(username=name).exists():
            users.objects.create_user(name, f"{name}@example.com", "bench12345")
    SurveyResponse.objects.update_or_create(
        survey=page,
        respondent=users.objects.get(username="bench_draft"),
        defaults={"draft": DRAFT, "status": SurveyResponse.Status.DRAFT},
    )
    print("ready:", page.url)


def timed(client: Client, url: str, cpu: list) -> float:
    start, start_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    cpu.append((time.process_time() - start_cpu) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--label", default=os.path.basename(os.getcwd()))
    args = parser.parse_args()
    if args.setup:
        setup()
        return
    page = SurveyPage.objects.get(slug=SLUG)
    url = page.url
    users = get_user_model()
    clients = {}
    for name in ("bench_nodraft", "bench_draft"):
        client = Client()
        client.force_login(users.objects.get(username=name))
        html = client.get(url).content.decode()
        assert html.count('class="survey-question') == 20, name
        assert ("采光很好" in html) == (name == "bench_draft"), name
        clients[name] = client
    bare = Client()
    bare.force_login(users.objects.get(username="bench_nodraft"))
    for client in (*clients.values(), bare):
        client.get(url if client is not bare else "/bench/bare")
    queries = {}
    for name, client in clients.items():
        captured = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest, captured=captured: (
                captured.append(sql) or execute(sql, *rest)
            )
        ):
            client.get(url)
        queries[name] = len(captured)
    times = {"bare": [], "bench_nodraft": [], "bench_draft": []}
    cpu = {name: [] for name in times}
    for _ in range(args.repeat):
        times["bare"].append(timed(bare, "/bench/bare", cpu["bare"]))
        for name, client in clients.items():
            times[name].append(timed(client, url, cpu[name]))
    bare_median = statistics.median(times["bare"])
    load = os.getloadavg()[0]
    print(
        f"{args.label}: load {load:.2f}, bare view median {bare_median:.2f} ms"
        f" (CPU {statistics.median(cpu['bare']):.2f} ms)"
    )
    for name in ("bench_nodraft", "bench_draft"):
        values = sorted(times[name])
        median = statistics.median(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(
            f"{args.label}: {name:14} queries {queries[name]:2}  median {median:6.2f} ms"
            f"  p95 {p95:6.2f} ms  × bare {median / bare_median:5.1f}"
            f"  CPU median {statistics.median(cpu[name]):6.2f} ms"
        )


if __name__ == "__main__":
    main()
