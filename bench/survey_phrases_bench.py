"""Time the mining of recurring phrases in free-text survey answers (issue 19).

``python bench/survey_phrases_bench.py [N]`` (default 5,000 answers): the phrase counting alone
(``portal.surveys.phrases.answer_phrases``: segmentation, phrases, folding), no database.
``python bench/survey_phrases_bench.py [N] --task``: the whole background task
(``survey_phrases_task``: read the answers, mine, replace the kept rows) on a throwaway test
database (SQLite in memory, migrated first: that takes a few minutes and is not timed).

Answers are variants of the insight tests' defect posts (tests/insight/posts.py) with short
unrelated answers mixed in, as a 回访 question's free text would be.
"""

import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from portal.surveys.phrases import answer_phrases  # noqa: E402
from tests.insight.posts import GENERATED, HAND_WRITTEN, generated  # noqa: E402

SHORT = ["挺好的", "没有意见", "工作人员很热情", "希望多办活动", "样板间不错", "价格有点高"]


def answers(n: int) -> list[str]:
    rng = random.Random(1)
    pool = []
    for kind in GENERATED:
        pool += generated(kind, 500, seed=3)
    short = SHORT + HAND_WRITTEN["other"]
    return [rng.choice(pool) if rng.random() < 0.6 else rng.choice(short) for _ in range(n)]


def mining_only(texts: list[str]) -> None:
    started = time.perf_counter()
    found = answer_phrases(list(enumerate(texts)))
    seconds = time.perf_counter() - started
    print(f"answers={len(texts)} phrases={len(found)} mining_seconds={seconds:.2f}")
    for phrase in found:
        print(f"  {phrase.text} {len(phrase.answer_ids)}")


def whole_task(texts: list[str]) -> None:
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from cms.models import HomePage
    from portal.surveys.models import SurveyAnswer, SurveyIndexPage, SurveyPage, SurveyResponse
    from portal.surveys.tasks import survey_phrases_task

    home = HomePage.objects.get()
    index = home.add_child(instance=SurveyIndexPage(title="问卷调查", slug="surveys"))
    question = {"key": "feedback", "label": "您对交付有什么意见？", "required": True}
    survey = index.add_child(
        instance=SurveyPage(
            title="交付回访", slug="delivery", questions=[{"type": "text", "value": question}]
        )
    )
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, status=SurveyResponse.Status.SUBMITTED) for _ in texts
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(survey=survey, response=response, question="feedback", text=text)
        for response, text in zip(responses, texts, strict=True)
    )
    started = time.perf_counter()
    result = survey_phrases_task.enqueue(survey_id=survey.pk).return_value
    seconds = time.perf_counter() - started
    print(
        f"answers={result['answers']} phrases={result['phrases']} task_seconds={seconds:.2f} "
        f"(mining and writing: {result['seconds']:.2f})"
    )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    texts = answers(int(args[0]) if args else 5_000)
    if "--task" in sys.argv:
        whole_task(texts)
    else:
        mining_only(texts)
