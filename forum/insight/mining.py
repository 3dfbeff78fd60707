"""Text mining for recurring issues: segment, weigh, group, name. No database here.

1. Each text is folded into one vocabulary (Simplified characters and mainland words through the
   router's ``normalize``, a few synonyms members use for the same thing), housing-project names
   are taken out (every post in a project would share them), and rjieba cuts it into words.
   Stop words (``data/stopwords_zh.txt``), punctuation and numbers break a text into *runs* of
   content words; phrases never cross a break.
2. TF-IDF over words and adjacent word pairs (scikit-learn), fitted once over every text.
3. Per group (a housing project, or none): above ``PARTITION_SIZE`` texts a MiniBatchKMeans pass
   cuts the group into partitions of about that size; inside each partition average-linkage
   agglomerative clustering over cosine distance, cut at ``DISTANCE_THRESHOLD``, gives the issues.
   A cluster needs ``min_posts`` posts from ``min_topics`` topics to count as recurring.
4. Each cluster is named by the 2–4-word phrase (a run's consecutive words) that most of its
   texts contain, weighted by how rare its words are across everything (their IDF) and a little by
   its length; a single word only when no phrase recurs. Example posts are those nearest the
   cluster's centre.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import rjieba

STOP_WORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords_zh.txt"
PARTITION_SIZE = 400
PARTITION_FEATURES = 2000
DISTANCE_THRESHOLD = 0.82
MAX_PHRASE_WORDS = 4
EXAMPLES = 10

# Words members use for the same thing; the left side is rewritten to the right before cutting.
SYNONYMS = {
    "地库": "地下车库",
    "车库": "地下车库",
    "地下地下车库": "地下车库",
    "渗水": "漏水",
    "渗漏": "漏水",
    "漏雨": "漏水",
    "升降梯": "电梯",
    "直梯": "电梯",
    "外墙皮": "外墙",
    "墙皮": "墙面",
}
_SYNONYMS = re.compile("|".join(sorted(SYNONYMS, key=len, reverse=True)))
_WORD = re.compile(r"^[\u3400-\u9fffa-z][\u3400-\u9fffa-z0-9\-]*$")
_URL = re.compile(r"https?://\S+|www\.\S+")
_MARKUP = re.compile(r"[*_>#`\[\]()!]+")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def _normalize(text: str) -> str:
    from forum.cases.routing import normalize

    return normalize(text)


def prepare(text: str, *, remove: Iterable[str] = ()) -> str:
    """One vocabulary for every text: Simplified, mainland words, synonyms; names taken out."""
    text = _normalize(_MARKUP.sub(" ", _URL.sub(" ", text or "")))
    for name in remove:
        if name:
            text = text.replace(name.lower(), " ")
    # Twice: "地下车库" must not become "地下地下车库" and stay so.
    text = _SYNONYMS.sub(lambda m: SYNONYMS[m.group(0)], text)
    return text.replace("地下地下车库", "地下车库")


def runs(text: str) -> list[list[str]]:
    """Content words in runs: stop words, punctuation, numbers and single characters break them."""
    stops = stop_words()
    result: list[list[str]] = []
    current: list[str] = []
    for raw in rjieba.cut(text):
        word = raw.strip()
        if len(word) > 1 and _WORD.match(word) and word not in stops:
            current.append(word)
            continue
        if current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def features(word_runs: list[list[str]]) -> list[str]:
    """Words and adjacent word pairs: what TF-IDF weighs."""
    out = []
    for run in word_runs:
        out.extend(run)
        out.extend(f"{a} {b}" for a, b in zip(run, run[1:], strict=False))
    return out


def phrase_text(words: Iterable[str]) -> str:
    """Chinese words join without spaces; Latin words keep a space between them."""
    text = ""
    for word in words:
        if text and text[-1].isascii() and text[-1].isalnum() and word[0].isascii():
            text += " "
        text += word
    return text


def phrases(word_runs: list[list[str]]) -> set[tuple[str, ...]]:
    found = set()
    for run in word_runs:
        for size in range(1, MAX_PHRASE_WORDS + 1):
            for start in range(len(run) - size + 1):
                found.add(tuple(run[start : start + size]))
    return found


@dataclass
class Document:
    post_id: int
    topic_id: int
    group: Hashable
    text: str


@dataclass
class Cluster:
    group: Hashable
    members: list[int]  # indices into the documents, nearest the centre first
    name: str = ""
    terms: list[str] = field(default_factory=list)


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _agglomerate(matrix, threshold: float) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    if matrix.shape[0] == 1:
        return np.zeros(1, dtype=int)
    similarity = (matrix @ matrix.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return model.fit_predict(distance)


def _partitions(matrix, size: int) -> list[np.ndarray]:
    """Cut a large group into partitions of about ``size`` posts (MiniBatchKMeans).

    K-means runs on the group's most common features only (``PARTITION_FEATURES`` columns): the
    partition only has to keep similar posts together, the clustering inside it then uses every
    feature, and dense centres over the whole vocabulary made this step most of the time.
    """
    n = matrix.shape[0]
    if n <= size:
        return [np.arange(n)]
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.preprocessing import normalize

    document_frequency = np.asarray((matrix > 0).sum(axis=0)).ravel()
    columns = np.argsort(-document_frequency, kind="stable")[:PARTITION_FEATURES]
    reduced = normalize(matrix[:, columns])
    from threadpoolctl import threadpool_limits

    k = math.ceil(n / size)
    # One thread: OpenMP threads spinning against the web workers on a small machine made
    # k-means twice as slow as running it alone.
    with threadpool_limits(limits=1):
        labels = MiniBatchKMeans(
            n_clusters=k, batch_size=2048, n_init=1, random_state=0, max_iter=20
        ).fit_predict(reduced)
    return [np.flatnonzero(labels == label) for label in range(k)]


def cluster_documents(
    documents: list[Document],
    *,
    min_posts: int = 3,
    min_topics: int = 2,
    threshold: float = DISTANCE_THRESHOLD,
    partition_size: int = PARTITION_SIZE,
    progress: Progress = _no_progress,
    remove: Iterable[str] = (),
) -> list[Cluster]:
    """Group the documents into named recurring issues, per ``Document.group``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    remove = [name.lower() for name in remove]
    total = len(documents)
    word_runs = []
    for index, document in enumerate(documents):
        word_runs.append(runs(prepare(document.text, remove=remove)))
        if index % 2000 == 0:
            progress("segment", index, total)
    progress("segment", total, total)
    if total == 0:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=features, min_df=2, sublinear_tf=True, dtype=np.float32, max_features=300_000
    )
    try:
        matrix = vectorizer.fit_transform(word_runs).tocsr()
    except ValueError:  # nothing appears twice: nothing recurs
        return []
    vocabulary = vectorizer.vocabulary_
    idf = vectorizer.idf_
    names = np.array(vectorizer.get_feature_names_out())

    by_group: dict[Hashable, list[int]] = defaultdict(list)
    for index, document in enumerate(documents):
        by_group[document.group].append(index)

    clusters: list[Cluster] = []
    done = 0
    for group, indices in by_group.items():
        rows = np.array(indices)
        group_matrix = matrix[rows]
        for part in _partitions(group_matrix, partition_size):
            if len(part) < min_posts:
                continue
            part_matrix = group_matrix[part]
            labels = _agglomerate(part_matrix, threshold)
            for label in np.unique(labels):
                local = np.flatnonzero(labels == label)
                members = rows[part[local]]
                if len(members) < min_posts:
                    continue
                if len({documents[i].topic_id for i in members}) < min_topics:
                    continue
                clusters.append(
                    _describe(
                        group=group,
                        members=members,
                        matrix=matrix,
                        word_runs=word_runs,
                        vocabulary=vocabulary,
                        idf=idf,
                        names=names,
                    )
                )
        done += len(indices)
        progress("group", done, total)
    clusters.sort(key=lambda c: (-len(c.members), c.name))
    return clusters


def _describe(*, group, members, matrix, word_runs, vocabulary, idf, names) -> Cluster:
    block = matrix[members]
    centre = np.asarray(block.mean(axis=0)).ravel()
    closeness = np.asarray(block @ centre).ravel()
    ordered = [int(i) for i in members[np.argsort(-closeness, kind="stable")]]
    top = np.argsort(-centre)[:12]
    terms = [str(names[i]).replace(" ", "") for i in top if centre[i] > 0 and " " not in names[i]]
    return Cluster(
        group=group,
        members=ordered,
        name=name_cluster([word_runs[i] for i in ordered], vocabulary=vocabulary, idf=idf),
        terms=terms[:6],
    )


def name_cluster(member_runs: list[list[list[str]]], *, vocabulary: dict, idf) -> str:
    """The phrase most of the cluster's texts contain, its words rare elsewhere."""
    coverage: Counter = Counter()
    for word_runs in member_runs:
        coverage.update(phrases(word_runs))
    size = len(member_runs)
    default_idf = float(max(idf)) if len(idf) else 1.0

    def word_idf(word: str) -> float:
        index = vocabulary.get(word)
        return float(idf[index]) if index is not None else default_idf

    best, best_score = None, 0.0
    for phrase, count in coverage.items():
        if count < 2 and size > 1:
            continue
        share = math.sqrt(count / size)
        weight = sum(word_idf(w) for w in phrase) / len(phrase)
        score = share * weight * (1 + 0.35 * (len(phrase) - 1))
        if len(phrase) == 1:
            score *= 0.8
        if score > best_score or (score == best_score and best and phrase < best):
            best, best_score = phrase, score
    if best is None:
        return ""
    return phrase_text(best)[:80]
