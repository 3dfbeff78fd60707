"""Recurring phrases of free-text answers (issue 19): mined in the background, read by the
results page.

Mining reuses the insight area's text handling (``forum.insight.mining``: one vocabulary through
``prepare``, rjieba words in ``runs`` broken by its stop words, punctuation and numbers, the
1–4-word ``phrases`` of a run) and counts, per question, how many answers contain each phrase.
The question's own words are stop words too: every answer to "您对物业服务有什么建议" talks
about 物业服务, which says nothing. A phrase that mostly occurs inside a longer phrase that is
kept is folded into it (电梯 inside 电梯经常坏 when most answers with the one have the other).

No phrase found in fewer than ``MIN_ANSWERS`` answers is kept, and a question with fewer than
``MIN_ANSWERS`` answers gets none: the small-group rule of the anonymous results applies to
every survey here (a phrase of two answers is not recurring, and could point at a person).

It is not run in a request: 5,000 answers take seconds (docs/surveys.md). The results page reads
the kept rows in one query, plus one for the example answers' text.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from forum.insight.mining import phrase_text, phrases, prepare, runs
from portal.surveys.models import SurveyAnswer, SurveyPage, SurveyPhrase, SurveyTextPhrases
from portal.surveys.questions import Question
from portal.surveys.selectors import MIN_GROUP

# The small-group rule of the results: fewer answers than this give no phrase.
MIN_ANSWERS = MIN_GROUP
# The newest answers mined per question; older ones add little to what recurs now.
MINING_LIMIT = 5000
TOP_PHRASES = 10
EXAMPLES = 3
# A phrase is folded into a longer kept phrase found in at least this share of its answers.
FOLD_SHARE = 0.7
# An example shorter than this says little beyond the phrase itself.
EXAMPLE_MIN_CHARS = 8


@dataclass
class FoundPhrase:
    words: tuple[str, ...]
    answer_ids: list[int]

    @property
    def text(self) -> str:
        return phrase_text(self.words)


def question_stop_words(question: Question) -> frozenset[str]:
    """The words of the question's label and help text, cut as the answers are."""
    return frozenset(
        word for run in runs(prepare(f"{question.label} {question.help}")) for word in run
    )


def _split(word_runs: list[list[str]], stops: frozenset[str]) -> list[list[str]]:
    if not stops:
        return word_runs
    result = []
    for run in word_runs:
        current: list[str] = []
        for word in run:
            if word in stops:
                if current:
                    result.append(current)
                current = []
            else:
                current.append(word)
        if current:
            result.append(current)
    return result


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    size = len(short)
    return size < len(long) and any(
        long[start : start + size] == short for start in range(len(long) - size + 1)
    )


def answer_phrases(
    answers: list[tuple[int, str]],
    *,
    stops: frozenset[str] = frozenset(),
    min_answers: int = MIN_ANSWERS,
    top: int = TOP_PHRASES,
) -> list[FoundPhrase]:
    """The phrases found in at least ``min_answers`` of ``answers`` ((id, text) pairs), most
    answers first (a longer phrase first on a tie), at most ``top``."""
    if len(answers) < min_answers:
        return []
    containing: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for answer_id, text in answers:
        for phrase in phrases(_split(runs(prepare(text)), stops)):
            containing[phrase].append(answer_id)
    candidates = {p: ids for p, ids in containing.items() if len(ids) >= min_answers}
    kept: list[tuple[str, ...]] = []
    for phrase in sorted(candidates, key=lambda p: (-len(p), -len(candidates[p]), p)):
        count = len(candidates[phrase])
        if any(
            _inside(phrase, longer) and len(candidates[longer]) >= FOLD_SHARE * count
            for longer in kept
        ):
            continue
        kept.append(phrase)
    kept.sort(key=lambda p: (-len(candidates[p]), -len(p), p))
    return [FoundPhrase(words=p, answer_ids=candidates[p]) for p in kept[:top]]


def _examples(answer_ids: list[int], texts: dict[int, str]) -> list[int]:
    """The shortest answers that say more than the phrase: readable, and in no order of time."""
    ordered = sorted(
        answer_ids, key=lambda i: (len(texts[i]) < EXAMPLE_MIN_CHARS, len(texts[i]), i)
    )
    return ordered[:EXAMPLES]


def _text_questions(survey: SurveyPage) -> list[Question]:
    return [q for q in survey.question_list if q.kind == "text"]


def survey_phrases_refresh(*, survey_id: int) -> dict:
    """Mine the recurring phrases of every free-text question of a survey (the newest
    ``MINING_LIMIT`` answers each) and replace what was kept for it, in one transaction."""
    survey = SurveyPage.objects.filter(pk=survey_id).first()
    if survey is None:  # deleted while the task waited: its phrases went with it
        cache.delete(queued_key(survey_id))
        return {"survey": survey_id, "questions": 0, "answers": 0, "phrases": 0, "seconds": 0}
    revision_id = survey.live_revision_id or survey.latest_revision_id
    computed = []
    started = time.perf_counter()
    for question in _text_questions(survey):
        began = time.perf_counter()
        answers = SurveyAnswer.objects.filter(survey=survey, question=question.key).exclude(text="")
        total = answers.count()
        rows = list(
            answers.order_by("-response_id", "-pk").values_list("pk", "text")[:MINING_LIMIT]
        )
        found = answer_phrases(rows, stops=question_stop_words(question))
        texts = dict(rows)
        computed.append(
            (
                SurveyTextPhrases(
                    survey=survey,
                    question=question.key,
                    revision_id=revision_id,
                    answers=len(rows),
                    answers_total=total,
                    seconds=round(time.perf_counter() - began, 3),
                ),
                found,
                texts,
            )
        )
    now = timezone.now()
    with transaction.atomic():
        # One recomputation at a time per survey: the second waits, then replaces the first's.
        SurveyPage.objects.select_for_update().filter(pk=survey.pk).values_list("pk").first()
        SurveyTextPhrases.objects.filter(survey=survey).delete()
        phrase_rows = []
        for phrase_set, found, texts in computed:
            phrase_set.computed_at = now
            phrase_set.save()
            phrase_rows += [
                SurveyPhrase(
                    phrase_set=phrase_set,
                    rank=rank,
                    text=phrase.text[:80],
                    answers=len(phrase.answer_ids),
                    examples=_examples(phrase.answer_ids, texts),
                )
                for rank, phrase in enumerate(found, start=1)
            ]
        SurveyPhrase.objects.bulk_create(phrase_rows)
    cache.delete(queued_key(survey.pk))
    return {
        "survey": survey.pk,
        "questions": len(computed),
        "answers": sum(phrase_set.answers for phrase_set, _found, _texts in computed),
        "phrases": len(phrase_rows),
        "seconds": round(time.perf_counter() - started, 3),
    }


def queued_key(survey_id: int) -> str:
    """The cache mark of a queued recomputation (``portal.surveys.tasks``), cleared when done."""
    return f"surveys:phrases:queued:{survey_id}"


def surveys_closed_without_phrases(*, now=None) -> list[int]:
    """Live surveys with a free-text question that have closed since their phrases were last
    computed (or that never had them)."""
    now = now or timezone.now()
    computed_since_closing = SurveyTextPhrases.objects.filter(
        survey=OuterRef("pk"), computed_at__gte=OuterRef("closes_at")
    )
    closed = (
        SurveyPage.objects.live()
        .filter(closes_at__lte=now)
        .exclude(Exists(computed_since_closing))
        .order_by("closes_at", "pk")
    )
    return [survey.pk for survey in closed if _text_questions(survey)]


# Reading -------------------------------------------------------------------------------------


@dataclass
class PhraseView:
    text: str
    answers: int
    share: float
    example_ids: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


@dataclass
class QuestionPhrases:
    question: str
    answers: int
    answers_total: int
    computed_at: datetime.datetime
    new_since: int = 0
    suppressed: bool = False
    items: list[PhraseView] = field(default_factory=list)


def survey_phrases_for_results(
    *, survey: SurveyPage, answered: dict[str, int]
) -> dict[str, QuestionPhrases]:
    """The kept phrases per question code, in one query (and one for the example answers'
    text); ``answered``: the question's text answers now (from the counters), for "N new
    answers since". Phrases under ``MIN_ANSWERS`` answers and questions mined over fewer
    answers are left out; examples are answer text only, never who wrote it."""
    rows = (
        SurveyTextPhrases.objects.filter(survey=survey)
        .values_list(
            "question",
            "answers",
            "answers_total",
            "computed_at",
            "phrases__text",
            "phrases__answers",
            "phrases__examples",
        )
        .order_by("question", "phrases__rank")
    )
    found: dict[str, QuestionPhrases] = {}
    for question, mined, total, computed_at, text, count, examples in rows:
        entry = found.get(question)
        if entry is None:
            entry = found[question] = QuestionPhrases(
                question=question,
                answers=mined,
                answers_total=total,
                computed_at=computed_at,
                new_since=max(0, answered.get(question, 0) - total),
                suppressed=mined < MIN_ANSWERS,
            )
        if text is None or entry.suppressed or count < MIN_ANSWERS:
            continue
        entry.items.append(
            PhraseView(
                text=text,
                answers=count,
                share=100 * count / mined,
                example_ids=[int(i) for i in examples or []],
            )
        )
    ids = {i for entry in found.values() for item in entry.items for i in item.example_ids}
    if ids:
        texts = dict(
            SurveyAnswer.objects.filter(survey=survey, pk__in=ids).values_list("pk", "text")
        )
        for entry in found.values():
            for item in entry.items:
                item.examples = [texts[i] for i in item.example_ids if i in texts]
    return found
