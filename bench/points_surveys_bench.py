"""Plan view, effectiveness report, a 20-question survey and its results at club scale (not a
test), each beside the bare view, in one process through the Django test client.

Run it on the load data (``generate_load_data``); ``--responses N`` first adds a 20-question
survey with N submitted responses of the generated members (answers written in bulk, as
``survey_submit`` writes them), once:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kehuhui_bench \
        .venv/bin/python bench/points_surveys_bench.py --responses 100000

It prints, per page, the SQL queries of one request and the median and p95 of ``--repeat``
requests, and the ratio of the median to the bare view's (``/bench/bare``: the same middleware,
an "ok" body) measured just before it. The survey results page is timed twice: cold (the
survey's cached results dropped before each request) and warm.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DEBUG", "false")
os.environ["BENCH_BARE_VIEW"] = "true"
os.environ.setdefault("PAGE_CACHE", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from cms.models import HomePage  # noqa: E402
from portal.members.models import MemberProfile, UnitOwnership  # noqa: E402
from portal.surveys.counters import (  # noqa: E402
    survey_counts,
    survey_counts_fresh,
    survey_counts_rebuild,
)
from portal.surveys.models import (  # noqa: E402
    SurveyAnswer,
    SurveyIndexPage,
    SurveyPage,
    SurveyParticipation,
    SurveyResponse,
)
from portal.surveys.selectors import survey_results_cache_key  # noqa: E402

TITLE = "基准测试：20 题满意度问卷"
BLOCKS = [
    ("single_choice", {"label": "您参观过样板间吗？", "choices": ["参观过", "没有"]}),
    ("text", {"label": "样板间给您的印象", "long": True, "required": False}),
    ("multiple_choice", {"label": "您需要的房间", "choices": ["书房", "儿童房", "储藏室"],
                         "required": False}),
    ("rating", {"label": "服务满意度", "scale": 5}),
    ("nps", {"label": "推荐给朋友的可能性"}),
    ("matrix", {"label": "请评价", "rows": ["绿化", "停车", "安保"],
                "columns": ["好", "一般", "差"], "required": False}),
]  # fmt: skip
TEXTS = ["采光很好", "户型方正", "物业响应快", "停车位紧张", "绿化很好", "希望增加儿童游乐设施"]


def survey_blocks() -> list[dict]:
    blocks = []
    n = 0
    while len(blocks) < 20:
        kind, value = BLOCKS[n % len(BLOCKS)]
        blocks.append(
            {"type": kind, "value": {"key": f"q{len(blocks) + 1}", "required": True, **value}}
        )
        n += 1
    return blocks


def survey_create() -> SurveyPage:
    home = HomePage.objects.first()
    index = SurveyIndexPage.objects.first()
    if index is None:
        index = SurveyIndexPage(title="问卷调查", slug="surveys")
        home.add_child(instance=index)
        index.save_revision().publish()
    page = SurveyPage(title=TITLE, slug="bench-20-questions", questions=survey_blocks())
    index.add_child(instance=page)
    page.save_revision().publish()
    return SurveyPage.objects.get(pk=page.pk)


def responses_write(*, survey: SurveyPage, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    members = list(get_user_model().objects.filter(username__startswith="m").order_by("pk")[:count])
    levels = dict(
        MemberProfile.objects.filter(user__in=members)
        .select_related("level")
        .values_list("user_id", "level__name")
    )
    cities = dict(MemberProfile.objects.filter(user__in=members).values_list("user_id", "city"))
    projects = dict(
        UnitOwnership.objects.filter(member__in=members, status="verified").values_list(
            "member_id", "project__name"
        )
    )
    questions = survey.question_list
    now = timezone.now()
    batch = 5000
    for start in range(0, len(members), batch):
        chunk = members[start : start + batch]
        with transaction.atomic():
            SurveyParticipation.objects.bulk_create(
                [SurveyParticipation(survey=survey, member=m) for m in chunk]
            )
            responses = SurveyResponse.objects.bulk_create(
                [
                    SurveyResponse(
                        survey=survey,
                        respondent=m,
                        status=SurveyResponse.Status.SUBMITTED,
                        level=levels.get(m.pk) or "",
                        city=cities.get(m.pk) or "",
                        project=projects.get(m.pk, ""),
                        submitted_at=now,
                    )
                    for m in chunk
                ]
            )
            rows = []
            for response in responses:
                base = {"survey_id": survey.pk, "response_id": response.pk}
                for q in questions:
                    b = {**base, "question": q.key}
                    if q.kind == "single_choice":
                        rows.append(SurveyAnswer(**b, value=rng.choice(q.choices)))
                    elif q.kind == "text":
                        if rng.random() < 0.3:
                            rows.append(SurveyAnswer(**b, text=rng.choice(TEXTS)))
                    elif q.kind == "multiple_choice":
                        for choice in rng.sample(q.choices, rng.randint(1, len(q.choices))):
                            rows.append(SurveyAnswer(**b, value=choice))
                        rows.append(SurveyAnswer(**b))
                    elif q.kind in ("rating", "nps"):
                        v = rng.choice(q.scale_values)
                        rows.append(SurveyAnswer(**b, value=str(v), number=v))
                    elif q.kind == "matrix":
                        for row in q.rows:
                            rows.append(SurveyAnswer(**b, row=row, value=rng.choice(q.columns)))
                        rows.append(SurveyAnswer(**b))
            SurveyAnswer.objects.bulk_create(rows, batch_size=20000)
        print(f"responses: {start + len(chunk)}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE surveys_surveyanswer")
        cursor.execute("ANALYZE surveys_surveyresponse")
        cursor.execute("ANALYZE surveys_surveyparticipation")
    # Written around survey_submit: the counters come from the answers, as a migration would.
    survey_counts_rebuild(survey_id=survey.pk)


def responses_write_sql(*, survey: SurveyPage, count: int) -> None:
    """``count`` submitted responses with random answers written by PostgreSQL itself
    (``INSERT … SELECT`` over ``generate_series``: a minute instead of half an hour), without
    respondents (like an anonymous survey's), with level and city snapshots for the cross-tabs;
    then the counters are rebuilt from the answers, as ``survey_counts_rebuild`` does."""
    levels = ["普卡", "银卡", "金卡", "钻石卡"]
    cities = ["上海", "杭州", "苏州", "南京", "宁波"]
    answer = "surveys_surveyanswer"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO surveys_surveyresponse (survey_id, status, draft, level, city, project,"
            " submitted_at) SELECT %s, 'submitted', '{}', (%s::text[])[1 + (i %% 4)],"
            " (%s::text[])[1 + (i %% 5)], '', now() FROM generate_series(1, %s) AS i",
            [survey.pk, levels, cities, count],
        )
        responses = (
            f"FROM surveys_surveyresponse r WHERE r.survey_id = {int(survey.pk)}"
            " AND r.status = 'submitted'"
        )
        columns = f"INSERT INTO {answer} (survey_id, response_id, question, row, value, text)"
        for q in survey.question_list:
            key = q.key
            if q.kind == "single_choice":
                cursor.execute(
                    f"{columns} SELECT r.survey_id, r.id, %s, '',"
                    f" (%s::text[])[1 + floor(random() * %s)::int], '' {responses}",
                    [key, q.choices, len(q.choices)],
                )
            elif q.kind == "text":
                cursor.execute(
                    f"{columns} SELECT r.survey_id, r.id, %s, '', '',"
                    f" (%s::text[])[1 + floor(random() * %s)::int] {responses}"
                    " AND random() < 0.3",
                    [key, TEXTS, len(TEXTS)],
                )
            elif q.kind in ("multiple_choice", "matrix"):
                for choice in q.choices:
                    cursor.execute(
                        f"{columns} SELECT r.survey_id, r.id, %s, '', %s, '' {responses}"
                        " AND random() < 0.5",
                        [key, choice],
                    )
                for row in q.rows:
                    cursor.execute(
                        f"{columns} SELECT r.survey_id, r.id, %s, %s,"
                        f" (%s::text[])[1 + floor(random() * %s)::int], '' {responses}",
                        [key, row, q.columns, len(q.columns)],
                    )
                cursor.execute(
                    f"{columns} SELECT r.survey_id, r.id, %s, '', '', '' {responses}", [key]
                )
            elif q.kind in ("rating", "nps"):
                low, high = min(q.scale_values), max(q.scale_values)
                cursor.execute(
                    f"INSERT INTO {answer} (survey_id, response_id, question, row, value, number,"
                    f" text) SELECT survey_id, id, %s, '', v::text, v, '' FROM (SELECT r.survey_id,"
                    f" r.id, %s + floor(random() * %s)::int AS v {responses}) AS picked",
                    [key, low, high - low + 1],
                )
            print(f"answers of {key} written", flush=True)
        cursor.execute("ANALYZE surveys_surveyanswer")
        cursor.execute("ANALYZE surveys_surveyresponse")
    started = time.perf_counter()
    counters = survey_counts_rebuild(survey_id=survey.pk)
    print(f"counters rebuilt: {counters} in {time.perf_counter() - started:.1f} s", flush=True)


def timed(client: Client, url: str, repeat: int, before=None) -> dict:
    if before:
        before()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if before:
        before()
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)
    ):
        client.get(url)
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "queries": len(queries),
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=0)
    parser.add_argument(
        "--sql",
        action="store_true",
        help="Write the responses in SQL without respondents (PostgreSQL; no load data needed).",
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    parser.add_argument("--plan-only", action="store_true", help="Only the plan view and report.")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]

    survey = None if args.plan_only else SurveyPage.objects.filter(title=TITLE).first()
    if survey is None and args.responses and not args.plan_only:
        survey = survey_create()
        started = time.perf_counter()
        if args.sql:
            responses_write_sql(survey=survey, count=args.responses)
        else:
            responses_write(survey=survey, count=args.responses)
        print(f"wrote {args.responses} responses in {time.perf_counter() - started:.1f} s")

    User = get_user_model()
    admin, _created = User.objects.get_or_create(
        username="bench_points_admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "bpa@load.kehuhui.example"},
    )
    # A member who has not answered the survey (the generated members all have).
    member, _created = User.objects.get_or_create(
        username="bench_points_member", defaults={"email": "bpm@load.kehuhui.example"}
    )
    staff, reader = Client(), Client()
    staff.force_login(admin)
    reader.force_login(member)

    answers = SurveyAnswer.objects.filter(survey=survey).count() if survey else 0
    print(f"load: {User.objects.count()} users, survey answers {answers}, year {args.year}")
    pages = [
        ("plan view", staff, f"/members/plan/{args.year}/", None),
        ("effectiveness report", staff, f"/members/plan/{args.year}/report/", None),
    ]
    if survey:
        total = SurveyResponse.objects.filter(survey=survey, status="submitted").count()

        def forget(part):
            key = survey_results_cache_key(survey=survey, total=total, part=part)
            return lambda: cache.delete(key)

        pages += [
            ("survey, 20 questions (member)", reader, survey.url, None),
            ("survey results (warm)", staff, f"/surveys/results/{survey.pk}/", None),
            ("survey results (cold)", staff, f"/surveys/results/{survey.pk}/", forget("all")),
            ("results by level (warm)", staff, f"/surveys/results/{survey.pk}/?by=level", None),
            ("results by level (cold)", staff, f"/surveys/results/{survey.pk}/?by=level",
             lambda: (forget("all")(), forget("level")())),
        ]  # fmt: skip
    if survey:
        # What the cold results page paid before the counters (the GROUP BY over every answer)
        # beside what it reads now, one after the other at the same load.
        for name, read in (
            ("GROUP BY of the answers (before)", survey_counts_fresh),
            ("counters read (now)", survey_counts),
        ):
            times = []
            for _ in range(max(3, args.repeat // 4)):
                start = time.perf_counter()
                rows = read(survey_id=survey.pk)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{name:34} {len(rows):5d} rows, median {statistics.median(times):8.1f} ms")
    print(
        f"{'page':34} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'bare ms':>8} {'× bare':>7}"
    )
    for name, client, url, before in pages:
        bare = timed(staff, "/bench/bare", args.repeat * 5)
        row = timed(client, url, args.repeat, before)
        ratio = row["median"] / bare["median"]
        print(
            f"{name:34} {row['queries']:7d} {row['median']:10.1f} {row['p95']:8.1f} "
            f"{bare['median']:8.2f} {ratio:7.0f}",
            flush=True,
        )
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
