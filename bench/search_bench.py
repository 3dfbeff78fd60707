"""Benchmark of the database search backend (not a test).

Generates N posts of realistic Chinese text, indexes them through DatabaseBackend.index (word
segmentation + the insert into SQLite FTS5 or PostgreSQL), prints indexing throughput beside the
raw segmenter's on the same text, then query latency p50/p95 for a fixed query mix. Run it on a
database of its own (it empties the search table):

    DATABASE_URL=sqlite:////tmp/kehuhui_bench.sqlite3 .venv/bin/python bench/search_bench.py
    createdb -h 127.0.0.1 -U postgres kehuhui_i6_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kehuhui_i6_bench \
        .venv/bin/python bench/search_bench.py --explain

With --existing it generates nothing and empties nothing: it times a query mix of the load
generator's words on the index already built (generate_load_data, then search_reindex), as a
visitor and as the member m0000001, each query sorted by relevance and by date:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kehuhui_bench \
        .venv/bin/python bench/search_bench.py --existing
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

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

import rjieba  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from search.backends.base import SORT_NEWEST, Audience, IndexDocument, SearchQuery  # noqa: E402
from search.backends.database import DatabaseBackend  # noqa: E402
from search.models import SearchDocument  # noqa: E402

PLACES = [
    "地下车库",
    "3栋",
    "中心花园",
    "电梯厅",
    "卫生间",
    "阳台",
    "屋面",
    "大堂",
    "会所",
    "B区车位",
]
PROBLEMS = ["漏水", "渗水", "裂缝", "空鼓", "噪音", "异味", "积水", "停电", "门禁故障", "电梯困人"]
ACTORS = ["物业", "工程部", "设计院", "客服", "保安", "维修师傅", "楼管家", "邻居"]
ACTIONS = ["已经登记", "说下周来修", "还没有回复", "派人检查了", "要求业主拍照", "承诺尽快处理"]
TOPICS = ["交付验房", "装修甲醛检测", "停车位租赁", "物业费标准", "电梯维保", "儿童游乐设施",
          "羽毛球约伴", "钢琴老师推荐", "快递柜", "垃圾分类"]  # fmt: skip
FILLER = ["大家有遇到过吗", "希望尽快解决", "谢谢各位邻居", "请问怎么处理比较好", "供大家参考",
          "最近连续下雨", "周末有空的可以一起", "已经反映过好几次"]  # fmt: skip
# cum_weights: a few subjects are common and most are rare, as in a real forum.
TOPIC_WEIGHTS = [30, 50, 65, 75, 83, 88, 92, 95, 98, 100]
QUERIES = ["漏水", "物业", "地下车库 漏水", '"说下周来修"', "电梯 维保", "甲醛", "钢琴老师",
           "交付 验房", "停车位", "门禁故障 物业"]  # fmt: skip
RARE = "钢琴老师"


def generate(rng: random.Random, count: int, start: int) -> list[IndexDocument]:
    now = timezone.now()
    documents = []
    for number in range(start, start + count):
        topic = rng.choices(TOPICS, cum_weights=TOPIC_WEIGHTS)[0]
        sentences = [
            f"{rng.choice(PLACES)}{rng.choice(PROBLEMS)}，{rng.choice(ACTORS)}{rng.choice(ACTIONS)}。"
            for _ in range(rng.randint(2, 6))
        ]
        sentences.insert(rng.randint(0, len(sentences)), f"关于{topic}，{rng.choice(FILLER)}。")
        documents.append(
            IndexDocument(
                kind="post",
                object_id=number,
                title=f"{rng.choice(PLACES)}{topic}",
                body="".join(sentences),
                created=now - datetime.timedelta(minutes=number),
                forum_id=rng.randint(1, 8),
                topic_id=number // 5,
                author_id=rng.randint(1, 2000),
                topic_author_id=rng.randint(1, 2000),
                approved=rng.random() > 0.02,
                staff_only=rng.random() < 0.05,
            )
        )
    return documents


def segmenter_rate(documents, cut) -> tuple[float, float]:
    texts = [f"{d.title} {d.body}" for d in documents]
    started = time.perf_counter()
    for text in texts:
        cut(text)
    elapsed = time.perf_counter() - started
    return len(texts) / elapsed, sum(map(len, texts)) / elapsed


def index(backend, documents, batch=1000) -> float:
    started = time.perf_counter()
    for offset in range(0, len(documents), batch):
        backend.index(documents[offset : offset + batch])
    return len(documents) / (time.perf_counter() - started)


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def query_latencies(backend, audience, repeat: int, queries=QUERIES) -> dict:
    """Each query of the mix, sorted by relevance and by date, `repeat` times (one warm-up)."""
    timings, per_query = [], {}
    for text in queries:
        for sort in ("relevance", SORT_NEWEST):
            backend.search(SearchQuery(text=text, sort=sort), audience=audience)
    for text in queries:
        for sort in ("relevance", SORT_NEWEST):
            for _ in range(repeat):
                started = time.perf_counter()
                results = backend.search(SearchQuery(text=text, sort=sort), audience=audience)
                elapsed = (time.perf_counter() - started) * 1000
                timings.append(elapsed)
                figures = per_query.setdefault(
                    text, {"hits": results.total, "capped": results.capped, "ms": []}
                )
                figures["ms"].append(elapsed)
    p50, p95 = _percentiles(timings)
    return {"p50": p50, "p95": p95, "n": len(timings), "per_query": per_query}


# Words of the load generator's text (portal/loadtext.py), from a fifth of all posts to a few.
LOAD_QUERIES = ["物业", "漏水", "车位", "充电桩", "电梯", "绿化", "门禁", "钢琴老师",
                "地库 漏水", '"物业服务中心"']  # fmt: skip


def existing(repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from forum.permissions import ClubPermissionHandler
    from search.selectors import audience_for

    backend = DatabaseBackend()
    total = SearchDocument.objects.count()
    print(f"database: {connection.vendor}; {total:,} documents indexed", flush=True)
    member = get_user_model().objects.get(username="m0000001")
    for name, user in (("visitor", AnonymousUser()), ("member m0000001", member)):
        audience = audience_for(user=user, permission_handler=ClubPermissionHandler())
        latency = query_latencies(backend, audience, repeat, LOAD_QUERIES)
        print(
            f"{name}: query p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms over "
            f"{latency['n']} queries ({len(LOAD_QUERIES)} texts × relevance/newest)",
            flush=True,
        )
        for text, figures in latency["per_query"].items():
            p50, p95 = _percentiles(figures["ms"])
            more = "+" if figures["capped"] else ""
            print(
                f"    {text:<14} matches {figures['hits']:>6,}{more:<1}  "
                f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", action="store_true", help="time the index already built")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print the PostgreSQL plan")
    args = parser.parse_args()
    if args.existing:
        existing(args.repeat)
        return

    call_command("migrate", verbosity=0)
    backend = DatabaseBackend()
    SearchDocument.objects.all().delete()
    audience = Audience(user_id=42, readable_forum_ids=frozenset(range(1, 8)))
    rng = random.Random(6)
    print(f"database: {connection.vendor}", flush=True)
    indexed = 0
    for size in args.sizes:
        documents = generate(rng, size - indexed, indexed)
        # A rare word for the planner trap: only a few posts mention it in their title.
        for document in documents[:: max(1, len(documents) // 5)]:
            document.title += RARE
        rjieba_docs, rjieba_chars = segmenter_rate(documents, rjieba.cut_for_search)
        line = f"rjieba {rjieba_docs:,.0f} posts/s ({rjieba_chars / 1e6:.1f}M chars/s)"
        try:
            import jieba

            jieba.initialize()
            jieba_docs, jieba_chars = segmenter_rate(documents[:5000], jieba.lcut_for_search)
            line += f"; jieba {jieba_docs:,.0f} posts/s ({jieba_chars / 1e6:.2f}M chars/s)"
        except ImportError:
            pass
        rate = index(backend, documents)
        indexed = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_searchdocument")
        latency = query_latencies(backend, audience, args.repeat)
        print(
            f"N={size:,}: indexing {rate:,.0f} posts/s (segment + insert); segmenter alone: {line}",
            flush=True,
        )
        print(
            f"N={size:,}: query p50 {latency['p50']:.1f} ms, p95 {latency['p95']:.1f} ms "
            f"over {latency['n']} queries ({len(QUERIES)} texts × relevance/newest)",
            flush=True,
        )
        for text, figures in latency["per_query"].items():
            p50, p95 = _percentiles(figures["ms"])
            share = figures["hits"] / size
            print(
                f"    {text:<12} matches {figures['hits']:>7,} ({share:5.1%})  "
                f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms",
                flush=True,
            )
    if args.explain and connection.vendor == "postgresql":
        queryset = backend._base(SearchQuery(text=RARE, sort=SORT_NEWEST), audience)
        print(queryset.order_by("-created", "-id")[:20].explain(analyze=True))


if __name__ == "__main__":
    main()
