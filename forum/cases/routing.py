"""Routing: which department, category and priority a case needs, with a confidence and reasons.

Administrators' rules come first (keywords or a pattern, optionally scoped to a board or a
housing project). Then a text classifier over Chinese word segments (rjieba) plus character
bigrams (so Traditional Chinese, which the segmenter splits poorly, still matches), trained on the
shipped seed examples and on every moderator decision. Models are stored versioned in the
database and cached per process by version; nothing is ever loaded from the network.
"""

from __future__ import annotations

import io
import json
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import rjieba
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from forum.cases.models import Case, Category, Department, Priority, RoutingModel, RoutingRule

SEED_EXAMPLES = Path(__file__).resolve().parent / "data" / "seed_examples.jsonl"

_NON_WORD = re.compile(r"^[\W_]+$")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_STOP_WORDS_TEXT = (
    "的 了 是 在 我 我们 你们 他们 有 和 就 也 都 很 还 又 吗 呢 吧 啊 呀 被 把 给 这 那 这个 那个 "
    "一个 没有 已经 希望 请 请问 谢谢 能 能否 可以 什么 怎么 不 to the a an of in on and is "
    "are be for it my our we i this that with at was has have please"
)
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split(" "))
# Safety first: words that make the classifier's case more urgent than the default.
PRIORITY_TERMS = (
    (Priority.P1, ("漏电", "燃气", "煤气", "起火", "火灾", "困人", "坠落", "倒塌", "触电")),
    (Priority.P1, ("gas leak", "electric shock", "trapped in the lift")),
    (Priority.P2, ("漏水", "渗水", "爆裂", "停水", "停电", "积水", "裂缝", "leak", "burst")),
)


def analyze(text: str) -> list[str]:
    """Words from rjieba plus CJK character bigrams, lower-cased, without stop words."""
    text = (text or "").lower()
    tokens = [w.strip() for w in rjieba.cut(text)]
    tokens = [w for w in tokens if w and not _NON_WORD.match(w) and w not in _STOP_WORDS]
    for run in _CJK_RUN.findall(text):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def terms(text: str) -> list[str]:
    """Words only (no bigrams), for reports: what members talk about."""
    return [
        w
        for w in (t.strip() for t in rjieba.cut((text or "").lower()))
        if len(w) > 1 and not _NON_WORD.match(w) and w not in _STOP_WORDS
    ]


@dataclass
class RoutingSuggestion:
    department: Department | None = None
    category: Category | None = None
    priority: int = Priority.P3
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    model_version: int | None = None
    rule: RoutingRule | None = None


def confidence_threshold() -> float:
    return float(getattr(settings, "CASE_ROUTING_CONFIDENCE_THRESHOLD", 0.6))


# --- rules --------------------------------------------------------------------------------


def _rule_matches(rule: RoutingRule, text: str) -> str | None:
    lowered = text.lower()
    for keyword in rule.keyword_list:
        if keyword.lower() in lowered:
            return keyword
    if rule.pattern:
        match = re.search(rule.pattern, text, flags=re.IGNORECASE)
        if match:
            return match.group(0)
    return None


def route_by_rules(*, text: str, board=None, project=None) -> RoutingSuggestion | None:
    rules = RoutingRule.objects.filter(is_active=True, department__is_active=True).select_related(
        "department", "category"
    )
    for rule in rules:
        if rule.board_id and (board is None or rule.board_id != board.pk):
            continue
        if rule.project_id and (project is None or rule.project_id != project.pk):
            continue
        matched = _rule_matches(rule, text)
        if matched:
            return RoutingSuggestion(
                department=rule.department,
                category=rule.category,
                priority=rule.priority or priority_from_text(text),
                confidence=1.0,
                reasons=[f"rule: {rule.name} ({matched})"],
                rule=rule,
            )
    return None


def priority_from_text(text: str) -> int:
    lowered = text.lower()
    for priority, words in PRIORITY_TERMS:
        if any(word in lowered for word in words):
            return priority
    return Priority.P3


# --- the classifier -----------------------------------------------------------------------


def load_examples(path: Path = SEED_EXAMPLES, *, split: str | None = None) -> list[dict]:
    examples = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                example = json.loads(line)
                if split is None or example.get("split") == split:
                    examples.append(example)
    return examples


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=analyze, sublinear_tf=True)


def _classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=10.0, max_iter=2000)


def labelled_case_examples() -> list[dict]:
    """Every moderator decision (confirmation or override) as a training example."""
    cases = (
        Case.objects.filter(labelled_department__isnull=False)
        .select_related("labelled_department", "category", "topic__first_post")
        .order_by("pk")
    )
    examples = []
    for case in cases:
        first_post = case.topic.first_post
        text = f"{case.topic.subject}\n{first_post.content.raw if first_post else ''}"
        examples.append(
            {
                "text": text,
                "department": case.labelled_department.code,
                "category": case.category.code if case.category else "",
            }
        )
    return examples


def fit(examples: list[dict]) -> dict:
    """One vectorizer, a department classifier and (with two or more categories) a category one."""
    vectorizer = _vectorizer()
    features = vectorizer.fit_transform([e["text"] for e in examples])
    department = _classifier().fit(features, [e["department"] for e in examples])
    rows = [i for i, e in enumerate(examples) if e.get("category")]
    category = None
    if len({examples[i]["category"] for i in rows}) > 1:
        category = _classifier().fit(features[rows], [examples[i]["category"] for i in rows])
    return {"vectorizer": vectorizer, "department": department, "category": category}


def predict_departments(models: dict, texts: list[str]) -> list[str]:
    return list(models["department"].predict(models["vectorizer"].transform(texts)))


def train(*, seed_path: Path = SEED_EXAMPLES) -> RoutingModel:
    """Fit on the seed examples' training split plus moderators' labels; store the next version."""
    seed_train = load_examples(seed_path, split="train")
    held_out = load_examples(seed_path, split="test")
    labelled = labelled_case_examples()
    examples = seed_train + labelled
    models = fit(examples)
    accuracy = None
    if held_out:
        predicted = predict_departments(models, [e["text"] for e in held_out])
        hits = sum(p == e["department"] for p, e in zip(predicted, held_out, strict=True))
        accuracy = hits / len(held_out)
    buffer = io.BytesIO()
    pickle.dump(models, buffer)
    with transaction.atomic():
        latest = RoutingModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
        return RoutingModel.objects.create(
            version=latest + 1,
            blob=buffer.getvalue(),
            examples=len(examples),
            labelled_cases=len(labelled),
            held_out_accuracy=accuracy,
        )


_LOADED: dict[tuple, dict] = {}


def current_model() -> tuple[int, dict] | None:
    """The newest stored model, unpickled once per process and version."""
    newest = RoutingModel.objects.order_by("-version").values_list("pk", "version", "trained_at")
    newest = newest.first()
    if newest is None:
        return None
    pk, version, _trained_at = newest
    if newest not in _LOADED:
        # Our own blob, written by train() above; never a file from elsewhere.
        blob = RoutingModel.objects.values_list("blob", flat=True).get(pk=pk)
        models = pickle.loads(bytes(blob))  # noqa: S301
        models["terms"] = models["vectorizer"].get_feature_names_out()
        _LOADED.clear()
        _LOADED[newest] = models
    return version, _LOADED[newest]


def _strongest_terms(models: dict, row, label: str, limit: int = 3) -> list[str]:
    clf = models["department"]
    classes = list(clf.classes_)
    if len(classes) == 2:
        weights = clf.coef_[0] if label == classes[1] else -clf.coef_[0]
    else:
        weights = clf.coef_[classes.index(label)]
    names = models["terms"]
    scored = sorted(((row[0, j] * weights[j], names[j]) for j in row.nonzero()[1]), reverse=True)
    return [name for score, name in scored[:limit] if score > 0]


def route_by_model(*, text: str) -> RoutingSuggestion | None:
    from sklearn import config_context

    loaded = current_model()
    if loaded is None:
        return None
    version, models = loaded
    with config_context(assume_finite=True, skip_parameter_validation=True):
        row = models["vectorizer"].transform([text])
        probabilities = models["department"].predict_proba(row)[0]
        best = probabilities.argmax()
        code = models["department"].classes_[best]
        category_code = models["category"].predict(row)[0] if models["category"] else None
        strongest = _strongest_terms(models, row, code)
    confidence = round(float(probabilities[best]), 4)
    return RoutingSuggestion(
        department=Department.objects.filter(code=code, is_active=True).first(),
        category=Category.objects.filter(code=category_code, is_active=True).first()
        if category_code
        else None,
        confidence=confidence,
        priority=priority_from_text(text),
        model_version=version,
        reasons=[
            f"model v{version}: {code} {confidence:.0%}"
            + (f" ({', '.join(strongest)})" if strongest else "")
        ],
    )


def route(*, text: str, board=None, project=None) -> RoutingSuggestion:
    """Rules first, then the classifier; an empty suggestion when neither has an answer."""
    return (
        route_by_rules(text=text, board=board, project=project)
        or route_by_model(text=text)
        or RoutingSuggestion(priority=priority_from_text(text), reasons=["no rule, no model"])
    )
