"""Indexing throughput against the raw segmenter's, side by side on the same posts (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kehuhui_bench \\
        .venv/bin/python bench/index_bench.py --cold

Reads every post's title and text from the database the load generator filled, times rjieba's
`cut_for_search` over them (the raw segmenter), then a full `search_reindex` of the configured
backend (`--cold` empties the index first, so every document is written), then the segmenter
again; prints posts/s for each and the ratio of indexing to the mean of the two segmenter runs.
On the database backend `--cold` empties the search table: use a database of its own.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

import rjieba  # noqa: E402
from machina.apps.forum_conversation.models import Post  # noqa: E402

from search.backends import get_backend  # noqa: E402
from search.rebuild import index_rebuild  # noqa: E402


def post_texts(limit: int) -> list[str]:
    rows = Post.objects.order_by("pk").values_list("subject", "topic__subject", "content")
    if limit:
        rows = rows[:limit]
    return [f"{subject or topic_subject} {content}" for subject, topic_subject, content in rows]


def segmenter_rate(texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        rjieba.cut_for_search(text)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="empty the index first")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=0, help="segment only this many posts")
    args = parser.parse_args()

    backend = get_backend()
    texts = post_texts(args.sample)
    chars = sum(map(len, texts)) / max(1, len(texts))
    print(f"backend: {backend.name}; {len(texts):,} posts, {chars:.0f} characters each on average")
    before = segmenter_rate(texts)
    print(f"rjieba cut_for_search alone: {before:,.0f} posts/s", flush=True)
    if args.cold:
        backend.clear()
    started = time.perf_counter()
    summary = index_rebuild(backend=backend, resume=False, batch=args.batch)
    elapsed = time.perf_counter() - started
    rate = summary["post"] / elapsed
    print(f"search_reindex: {summary['post']:,} posts in {elapsed:.1f} s, {rate:,.0f} posts/s")
    after = segmenter_rate(texts)
    print(f"rjieba cut_for_search alone, again: {after:,.0f} posts/s")
    segmenter = (before + after) / 2
    print(f"indexing / segmenter = {rate / segmenter:.2f}")


if __name__ == "__main__":
    main()
