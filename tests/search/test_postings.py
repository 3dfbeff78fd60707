"""The postings table of the database backend on PostgreSQL (issue #22): one row per word of a
document, kept by triggers, and searches through it find exactly what the full-text index finds
for every reader."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board
from search.backends.base import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE
from search.backends.database import DatabaseBackend
from search.documents import post_documents
from search.models import SearchDocument
from search.rebuild import index_rebuild
from search.services import queue_process
from tests.conftest import make_topic
from tests.search.conftest import search_as

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the postings table is PostgreSQL's"
)


def _drain():
    while queue_process()["processed"]:
        pass


def _postings() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT term, created, document_id, forum_id FROM search_posting")
        return set(cursor.fetchall())


def _expected_postings() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word.lexeme, document.created, document.id, document.forum_id "
            "FROM search_searchdocument AS document, unnest(document.search_vector) AS word"
        )
        return set(cursor.fetchall())


def _words_of(document_id: int) -> set[str]:
    return {term for term, _created, doc, _forum in _postings() if doc == document_id}


@pytest.mark.django_db
def test_postings_follow_each_document_through_index_edit_move_and_delete(settings, boards, member):
    settings.ELASTICSEARCH_URL = ""
    help_board = boards[Board.Kind.MUTUAL_HELP].forum
    other_board = boards[Board.Kind.COMMUNITY].forum
    topic = make_topic(forum=help_board, poster=member, subject="电梯维保", content="每月一次")
    make_topic(forum=help_board, poster=member, subject="车库漏水", content="物业已登记")
    _drain()
    post = Post.objects.get(topic=topic)
    document = SearchDocument.objects.get(kind="post", object_id=post.pk)
    assert {"电梯", "维保", "每月"} <= _words_of(document.pk)
    assert _postings() == _expected_postings()

    post.content = "改成了每周一次"
    post.save()
    Topic.objects.filter(pk=topic.pk).update(forum=other_board)
    DatabaseBackend().index(post_documents([post.pk]))
    words = _words_of(document.pk)
    assert "每周" in words and "每月" not in words
    assert {forum for _t, _c, doc, forum in _postings() if doc == document.pk} == {other_board.pk}
    assert _postings() == _expected_postings()

    DatabaseBackend().delete([("post", post.pk)])
    assert _words_of(document.pk) == set()
    assert _postings() == _expected_postings()

    DatabaseBackend().clear()
    assert _postings() == set()


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_leaves_the_postings_equal_to_the_documents(settings, boards, member):
    settings.ELASTICSEARCH_URL = ""
    help_board = boards[Board.Kind.MUTUAL_HELP].forum
    make_topic(forum=help_board, poster=member, subject="绿化修剪", content="小区花园")
    gone = make_topic(forum=help_board, poster=member, subject="绿化补种", content="草坪")
    index_rebuild(batch=1)
    Post.objects.filter(topic=gone).delete()
    Topic.objects.filter(pk=gone.pk).delete()
    with connection.cursor() as cursor:  # a posting left behind must not survive the rebuild
        cursor.execute("DELETE FROM search_posting")

    index_rebuild(batch=1)

    assert _postings() == _expected_postings()
    (only,) = search_as(AnonymousUser(), "绿化").hits
    assert only.title == "绿化修剪"


def _both_ways(monkeypatch, user, text, **options):
    """The same search through the postings and through the GIN index with date windows."""
    through_postings = search_as(user, text, **options)
    monkeypatch.setattr(DatabaseBackend, "_uses_postings", lambda *args, **kwargs: False)
    through_gin = search_as(user, text, **options)
    monkeypatch.undo()
    return through_postings, through_gin


def _summary(results):
    return (
        [(hit.kind, hit.object_id) for hit in results.hits],
        results.total,
        results.capped,
        results.facets,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [3, 500])
def test_postings_find_what_the_full_text_index_finds_for_every_reader(
    settings, monkeypatch, corpus, boards, member, moderator, owner_a, owner_b, limit
):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_CANDIDATES = limit
    help_board = boards[Board.Kind.MUTUAL_HELP].forum
    for days in range(6):
        topic = make_topic(
            forum=help_board, poster=owner_b, subject=f"地库漏水第{days}次", content="物业维修"
        )
        created = timezone.now() - datetime.timedelta(days=days * 100)
        Post.objects.filter(topic=topic).update(created=created, updated=created)
    _drain()
    since = timezone.now() - datetime.timedelta(days=250)

    for user in (AnonymousUser(), member, owner_a, owner_b, moderator):
        for text in ("漏水", "地库 漏水", "物业 漏水", '"下周来修"', "没有的词", "①②"):
            for sort in (SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST):
                postings, gin = _both_ways(monkeypatch, user, text, sort=sort)
                assert _summary(postings) == _summary(gin), (user, text, sort)
        postings, gin = _both_ways(
            monkeypatch, user, "漏水", forum_ids=(help_board.pk,), date_from=since
        )
        assert _summary(postings) == _summary(gin)
        assert postings.hits


@pytest.mark.django_db
def test_a_word_search_on_postgresql_walks_the_postings(settings, corpus, member):
    settings.ELASTICSEARCH_URL = ""
    _drain()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        results = search_as(member, "漏水")

    assert results.hits
    assert any("search_posting" in query["sql"] for query in queries.captured_queries)
    assert not any("@@" in query["sql"] for query in queries.captured_queries)
