"""Time case routing per post, on held-out posts and letters (not a test).

    .venv/bin/python bench/routing_bench.py [--repeat 3]

Loads the current routing model (training one first if the database has none), routes every
post of the seed examples' test split and every independent held-out message (long letters
among them) once to warm up, then `--repeat` more times, and prints the CPU time
and the wall time per post (median and p95 over the posts) and the rules-only share. CPU time
is what routing costs; on a shared machine the wall time also measures the neighbours.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from forum.cases.routing import DATA, current_model, load_examples, route, train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if current_model() is None:
        train()
    examples = load_examples(split="test")
    for path in sorted((DATA / "independent").glob("*.jsonl")):
        examples += load_examples(path)
    texts = [example["text"] for example in examples]
    for text in texts:
        route(text=text)
    cpu, wall = [], []
    for _ in range(args.repeat):
        for text in texts:
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            route(text=text)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started_wall) * 1000)

    def p95(values):
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    mean_length = sum(map(len, texts)) / len(texts)
    print(f"routed {len(texts)} posts × {args.repeat} (mean {mean_length:.0f} characters)")
    print(f"CPU per post: median {statistics.median(cpu):.2f} ms, p95 {p95(cpu):.2f} ms")
    print(f"wall per post: median {statistics.median(wall):.2f} ms, p95 {p95(wall):.2f} ms")


if __name__ == "__main__":
    main()
