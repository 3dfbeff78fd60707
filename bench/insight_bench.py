"""Time the recurring-issue grouping (segmentation, TF-IDF, clustering, naming) on generated
posts, without the database: ``python bench/insight_bench.py [N]`` (default 20,000 posts).

Posts are variants of a few dozen defects written for the tests (tests/insight/posts.py) spread
over 20 housing projects plus the public boards, with unrelated chatter mixed in.
"""

import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from forum.insight.mining import Document, cluster_documents  # noqa: E402
from tests.insight.posts import GENERATED, HAND_WRITTEN, generated  # noqa: E402


def main(n: int) -> None:
    rng = random.Random(1)
    pool = []
    for kind in GENERATED:
        pool += generated(kind, 2000, seed=3)
    chatter = HAND_WRITTEN["other"] + [f"第{i}期活动报名，欢迎邻居参加" for i in range(50)]
    documents = []
    for index in range(n):
        text = rng.choice(pool) if rng.random() < 0.7 else rng.choice(chatter)
        group = rng.choice([None] + list(range(1, 21)))
        documents.append(Document(post_id=index, topic_id=index, group=group, text=text))
    started = time.perf_counter()
    clusters = cluster_documents(documents)
    seconds = time.perf_counter() - started
    print(f"posts={n} clusters={len(clusters)} seconds={seconds:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
