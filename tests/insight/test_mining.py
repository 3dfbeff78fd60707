"""Grouping and naming, on hand-written and generated posts (no database)."""

from forum.insight.mining import Document, cluster_documents, runs, stop_words
from tests.insight.posts import HAND_WRITTEN, generated


def documents(groups: dict[tuple, list[str]]) -> tuple[list[Document], dict[int, tuple]]:
    docs, truth = [], {}
    for (project, kind), texts in groups.items():
        for text in texts:
            truth[len(docs)] = (project, kind)
            docs.append(Document(post_id=len(docs), topic_id=len(docs), group=project, text=text))
    return docs, truth


def kinds_of(cluster, truth) -> set:
    return {truth[i] for i in cluster.members}


def test_hand_written_posts_about_one_defect_group_together_and_apart_from_another():
    docs, truth = documents(
        {
            (1, "garage_leak"): HAND_WRITTEN["garage_leak"],
            (1, "lift_fault"): HAND_WRITTEN["lift_fault"],
            (1, "other"): HAND_WRITTEN["other"],
        }
    )

    clusters = cluster_documents(docs)

    by_kind = {frozenset(kinds_of(c, truth)): c for c in clusters}
    garage = by_kind[frozenset({(1, "garage_leak")})]
    lift = by_kind[frozenset({(1, "lift_fault")})]
    assert len(garage.members) >= 4
    assert len(lift.members) >= 3
    assert not any((1, "other") in kinds_of(c, truth) for c in clusters)
    assert "顶板" in garage.name and "车库" in garage.name
    assert "电梯" in lift.name


def test_the_same_defect_in_two_projects_makes_two_issues():
    docs, truth = documents(
        {
            (1, "garage_leak"): HAND_WRITTEN["garage_leak"],
            (2, "garage_leak"): HAND_WRITTEN["garage_leak"][:4],
        }
    )

    clusters = cluster_documents(docs)

    assert sorted(c.group for c in clusters) == [1, 2]
    assert all(len(kinds_of(c, truth)) == 1 for c in clusters)


def test_generated_posts_separate_by_defect():
    docs, truth = documents(
        {
            (7, "garage_leak"): generated("garage_leak", 40),
            (7, "window_leak"): generated("window_leak", 40),
            (7, "lift_fault"): generated("lift_fault", 40),
        }
    )

    clusters = cluster_documents(docs)

    # Every cluster is pure, and most posts of each defect are in one of its clusters.
    for cluster in clusters:
        assert len(kinds_of(cluster, truth)) == 1, cluster.name
    for kind in ("garage_leak", "window_leak", "lift_fault"):
        grouped = sum(len(c.members) for c in clusters if kinds_of(c, truth) == {(7, kind)})
        assert grouped >= 30, kind


def test_an_issue_is_named_by_a_phrase_never_a_stop_word():
    docs, _truth = documents(
        {
            (1, "garage_leak"): HAND_WRITTEN["garage_leak"],
            (1, "lift_fault"): HAND_WRITTEN["lift_fault"],
            (3, "window_leak"): generated("window_leak", 20),
        }
    )

    clusters = cluster_documents(docs)

    assert clusters
    for cluster in clusters:
        assert cluster.name not in stop_words()
        assert len(cluster.name) >= 2
        assert not any(cluster.name.startswith(w) for w in ("问题", "希望", "处理", "麻烦"))
    assert any(len(c.name) >= 4 for c in clusters)  # a phrase, not one word


def test_stop_words_and_numbers_break_phrases():
    assert runs("3栋电梯又坏了，希望处理") == [["电梯", "又坏了"]] or all(
        w not in stop_words() for run in runs("3栋电梯又坏了，希望处理") for w in run
    )
    assert "希望" in stop_words() and "问题" in stop_words()
