"""The database backend's answers to scale (issue #8): a bounded candidate set, a rebuild that
writes in bulk beside the reading, documents built from plain values, one-pass word cleaning."""

import datetime

import pytest
import rjieba
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board, TopicVisibility
from search.backends.base import SORT_NEWEST, SORT_OLDEST
from search.backends.database import DatabaseBackend
from search.documents import TopicUrls, post_documents
from search.models import SearchDocument
from search.rebuild import index_rebuild
from search.segment import words_for_index, words_for_query
from search.services import queue_process
from tests.conftest import make_topic
from tests.search.conftest import search_as, titles


@pytest.fixture
def help_board(boards):
    return boards[Board.Kind.MUTUAL_HELP].forum


def _drain():
    while queue_process()["processed"]:
        pass


def _age(topic, days):
    created = timezone.now() - datetime.timedelta(days=days)
    Post.objects.filter(topic=topic).update(created=created, updated=created)


@pytest.mark.django_db
def test_beyond_the_candidate_limit_the_newest_matches_are_ranked_and_the_total_says_more(
    settings, help_board, member
):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_CANDIDATES = 3
    for days in range(5):
        _age(
            make_topic(forum=help_board, poster=member, subject=f"物业{days}", content="值班"), days
        )
    _drain()

    results = search_as(member, "物业")
    newest = search_as(member, "物业", sort=SORT_NEWEST)
    oldest = search_as(member, "物业", sort=SORT_OLDEST)

    assert results.capped and results.total == 3
    assert titles(results) == {"物业0", "物业1", "物业2"}
    assert [hit.title for hit in newest.hits] == ["物业0", "物业1", "物业2"]
    assert [hit.title for hit in oldest.hits] == ["物业4", "物业3", "物业2"]
    assert sum(results.facets["kind"].values()) == 3
    # Narrowed below the limit, the figures are exact again.
    narrowed = search_as(
        member, "物业 值班", date_from=timezone.now() - datetime.timedelta(hours=12)
    )
    assert not narrowed.capped and narrowed.total == 1


@pytest.mark.django_db
def test_the_candidate_limit_counts_only_what_the_reader_may_see(
    settings, boards, help_board, member, moderator
):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_CANDIDATES = 2
    complaints = boards[Board.Kind.COMPLAINTS].forum
    visible = make_topic(forum=help_board, poster=member, subject="漏水公开", content="x")
    _age(visible, 3)
    for n in range(3):  # newer than the visible one, and hidden from the member
        private = make_topic(
            forum=complaints, poster=moderator, subject=f"漏水私密{n}", content="x"
        )
        TopicVisibility.objects.create(topic=private, staff_only=True)
    _drain()

    results = search_as(member, "漏水")
    assert titles(results) == {"漏水公开"}
    assert results.total == 1 and not results.capped
    assert search_as(moderator, "漏水").capped


@pytest.mark.django_db
def test_search_page_says_when_there_are_more_results_than_ranked(
    settings, client, help_board, member
):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_CANDIDATES = 2
    for n in range(3):
        make_topic(forum=help_board, poster=member, subject=f"停车{n}", content="车位")
    _drain()

    page = client.get("/search/", {"q": "停车"}).content.decode()
    assert "超过 2 条结果" in page
    assert 'data-testid="search-capped"' in page


@pytest.mark.django_db(transaction=True)
def test_rebuild_replaces_the_index_and_leaves_unchanged_documents_alone(
    settings, help_board, member
):
    """On PostgreSQL this rebuild writes from a thread of its own (not inside a transaction)."""
    settings.ELASTICSEARCH_URL = ""
    kept = make_topic(forum=help_board, poster=member, subject="电梯维保", content="每月一次")
    gone = make_topic(forum=help_board, poster=member, subject="电梯停运", content="周末")
    index_rebuild(batch=1)
    Post.objects.filter(topic=gone).delete()
    Topic.objects.filter(pk=gone.pk).delete()
    SearchDocument.objects.filter(kind="post", object_id=_post_id(kept)).update(title="stale")

    summary = index_rebuild(batch=1)

    assert summary["post"] == 1
    posts = SearchDocument.objects.filter(kind="post")
    assert set(posts.values_list("object_id", flat=True)) == {_post_id(kept)}
    assert titles(search_as(AnonymousUser(), "维保")) == {"电梯维保"}
    after = SearchDocument.objects.get(kind="post", object_id=_post_id(kept))
    assert after.title == "电梯维保"  # the stale copy was rewritten
    if connection.vendor == "postgresql":
        assert not _table_exists("search_rebuild_keys")


@pytest.mark.django_db(transaction=True)
def test_rebuild_on_postgresql_does_not_rewrite_unchanged_rows(settings, help_board, member):
    if connection.vendor != "postgresql":
        pytest.skip("the upsert that skips unchanged rows is PostgreSQL's")
    settings.ELASTICSEARCH_URL = ""
    topic = make_topic(forum=help_board, poster=member, subject="绿化修剪", content="小区")
    index_rebuild()
    before = SearchDocument.objects.get(kind="post", object_id=_post_id(topic)).indexed_at
    index_rebuild()
    assert SearchDocument.objects.get(kind="post", object_id=_post_id(topic)).indexed_at == before


def _post_id(topic) -> int:
    return Post.objects.filter(topic=topic).values_list("pk", flat=True).get()


def _table_exists(name):
    with connection.cursor() as cursor:
        return name in connection.introspection.table_names(cursor)


@pytest.mark.django_db
def test_topic_urls_from_the_template_equal_reverse(help_board, member):
    topic = make_topic(
        forum=help_board, poster=member, subject="地下车库 漏水？#1 & 100%", content="x"
    )
    expected = reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum_id,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )
    made = TopicUrls()(
        forum_slug=topic.forum.slug, forum_pk=topic.forum_id, slug=topic.slug, pk=topic.pk
    )
    assert made == expected
    (document,) = post_documents([_post_id(topic)])
    assert document.url == f"{expected}?post={_post_id(topic)}#{_post_id(topic)}"
    assert document.title == "地下车库 漏水？#1 & 100%"
    assert document.forum_id == help_board.pk and document.author_id == member.pk


@pytest.mark.parametrize(
    "text",
    [
        "地下车库漏水，物业说下周来修。",
        "Wi-Fi_密码 ①② Ⅳ ١٢ Straße ÉCOLE 😀",
        "  \t\n\u3000 。，、",
        "a\x00b 车库\x00漏水",
        "",
    ],
)
def test_word_cleaning_keeps_letters_and_digits_of_each_token(text):
    def expected(tokens):
        cleaned = ("".join(ch for ch in token if ch.isalnum()).lower() for token in tokens)
        return [word for word in cleaned if word]

    safe = text.replace("\x00", " ")
    assert words_for_index(text) == expected(rjieba.cut_for_search(safe))
    assert words_for_query(text) == expected(rjieba.cut(safe))


def test_the_backend_reads_its_candidate_limit_from_settings(settings):
    settings.SEARCH_CANDIDATES = 7
    assert DatabaseBackend().candidates == 7
    settings.SEARCH_CANDIDATES = 0
    assert DatabaseBackend().candidates == 1


@pytest.mark.django_db
def test_older_matches_are_found_when_recent_windows_hold_too_few(settings, help_board, member):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_CANDIDATES = 2
    for subject, days in (("交房验收新", 10), ("交房验收中", 200), ("交房验收旧", 900)):
        _age(make_topic(forum=help_board, poster=member, subject=subject, content="x"), days)
    _drain()

    newest = search_as(member, "验收", sort=SORT_NEWEST)
    assert [hit.title for hit in newest.hits] == ["交房验收新", "交房验收中"]
    assert newest.capped
    settings.SEARCH_CANDIDATES = 5
    everything = search_as(member, "验收")
    assert titles(everything) == {"交房验收新", "交房验收中", "交房验收旧"}
    assert everything.total == 3 and not everything.capped
