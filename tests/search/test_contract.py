"""One contract, every backend: the same queries give the same results on the database backend
(SQLite FTS5 or PostgreSQL, whichever DATABASE_URL selects) and on Elasticsearch (osmem)."""

import datetime

import pytest
from django.utils import timezone
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Board
from search.backends import get_backend
from search.backends.base import (
    SORT_NEWEST,
    SORT_OLDEST,
    Audience,
    IndexDocument,
    SearchQuery,
)
from search.rebuild import index_rebuild
from tests.conftest import make_topic
from tests.search.conftest import search_as, titles


@pytest.fixture
def help_board(boards):
    return boards[Board.Kind.MUTUAL_HELP].forum


def test_two_character_chinese_words_are_found(index_now, help_board, member):
    make_topic(forum=help_board, poster=member, subject="车库漏水", content="顶板渗水")
    make_topic(forum=help_board, poster=member, subject="停车位", content="物业费怎么交")
    make_topic(forum=help_board, poster=member, subject="羽毛球", content="周末打球")
    index_now()

    assert titles(search_as(member, "漏水")) == {"车库漏水"}
    assert titles(search_as(member, "物业")) == {"停车位"}
    assert titles(search_as(member, "漏水 顶板")) == {"车库漏水"}
    assert titles(search_as(member, "漏水 物业")) == set()


def test_words_inside_longer_words_are_found(index_now, help_board, member):
    make_topic(forum=help_board, poster=member, subject="地下车库积水", content="B区")
    index_now()

    assert titles(search_as(member, "车库")) == {"地下车库积水"}
    assert titles(search_as(member, "地下车库")) == {"地下车库积水"}


def test_phrase_in_quotes_matches_only_the_words_together(index_now, help_board, member):
    make_topic(forum=help_board, poster=member, subject="车库漏水", content="顶板")
    make_topic(forum=help_board, poster=member, subject="漏水的车库", content="墙面")
    index_now()

    assert titles(search_as(member, "车库 漏水")) == {"车库漏水", "漏水的车库"}
    assert titles(search_as(member, '"车库漏水"')) == {"车库漏水"}
    assert titles(search_as(member, "“车库漏水”")) == {"车库漏水"}


def test_sorting_by_relevance_and_by_date(index_now, help_board, member):
    old = make_topic(forum=help_board, poster=member, subject="电梯", content="物业 说明")
    Post.objects.filter(topic=old).update(created=timezone.now() - datetime.timedelta(days=30))
    make_topic(forum=help_board, poster=member, subject="物业电话", content="物业 物业 值班")
    make_topic(forum=help_board, poster=member, subject="门禁", content="找物业")
    index_now()

    relevance = search_as(member, "物业")
    newest = search_as(member, "物业", sort=SORT_NEWEST)
    oldest = search_as(member, "物业", sort=SORT_OLDEST)

    assert relevance.hits[0].title == "物业电话"
    assert newest.hits[-1].title == "电梯"
    assert oldest.hits[0].title == "电梯"


def test_facets_count_what_each_filter_would_give(index_now, boards, member):
    help_board = boards[Board.Kind.MUTUAL_HELP].forum
    complaints = boards[Board.Kind.COMPLAINTS].forum
    make_topic(forum=help_board, poster=member, subject="漏水一", content="x")
    make_topic(forum=help_board, poster=member, subject="漏水二", content="x")
    make_topic(forum=complaints, poster=member, subject="漏水三", content="x")
    index_now()

    everything = search_as(member, "漏水")
    narrowed = search_as(member, "漏水", forum_ids=(complaints.pk,))

    assert everything.facets["forum_id"] == {help_board.pk: 2, complaints.pk: 1}
    assert everything.facets["kind"] == {"post": 3}
    assert narrowed.total == 1
    assert titles(narrowed) == {"漏水三"}
    # A facet counts without its own filter, so the other boards stay choosable.
    assert narrowed.facets["forum_id"] == {help_board.pk: 2, complaints.pk: 1}
    assert "department_id" not in everything.facets


def test_pages_of_results_and_the_total(index_now, help_board, member):
    for number in range(5):
        make_topic(forum=help_board, poster=member, subject=f"漏水{number}号", content="x")
    index_now()

    first = search_as(member, "漏水", sort=SORT_OLDEST, per_page=2)
    third = search_as(member, "漏水", sort=SORT_OLDEST, per_page=2, page=3)

    assert first.total == third.total == 5
    assert [h.title for h in first.hits] == ["漏水0号", "漏水1号"]
    assert [h.title for h in third.hits] == ["漏水4号"]


def test_date_range_filter(index_now, help_board, member):
    old = make_topic(forum=help_board, poster=member, subject="去年漏水", content="x")
    Post.objects.filter(topic=old).update(created=timezone.now() - datetime.timedelta(days=400))
    make_topic(forum=help_board, poster=member, subject="今天漏水", content="x")
    index_now()

    recent = search_as(member, "漏水", date_from=timezone.now() - datetime.timedelta(days=7))
    before = search_as(member, "漏水", date_to=timezone.now() - datetime.timedelta(days=7))

    assert titles(recent) == {"今天漏水"}
    assert titles(before) == {"去年漏水"}


@pytest.mark.parametrize("text", ["", "？！……", "!!! ,,, ???", "漏" * 10000, "a" * 10000])
def test_empty_punctuation_and_huge_queries_are_answered(index_now, help_board, member, text):
    make_topic(forum=help_board, poster=member, subject="车库漏水", content="顶板")
    index_now()

    results = search_as(member, text)

    assert results.total == len(results.hits)
    assert results.total <= 1


def test_query_without_words_lists_everything_visible_newest_first(index_now, help_board, member):
    make_topic(forum=help_board, poster=member, subject="第一帖", content="x")
    make_topic(forum=help_board, poster=member, subject="第二帖", content="y")
    index_now()

    results = search_as(member, "？？", sort=SORT_NEWEST)

    assert [h.title for h in results.hits] == ["第二帖", "第一帖"]


def test_edits_moves_and_deletes_reach_the_index(index_now, help_board, project_a, member, owner_a):
    topic = make_topic(forum=help_board, poster=owner_a, subject="电梯故障", content="困人")
    index_now()
    post = topic.posts.get()

    post.content = "电梯 漏水"
    post.save()
    index_now()
    assert titles(search_as(member, "漏水")) == {"电梯故障"}

    topic.forum = project_a.owners_board.forum
    topic.save()
    index_now()
    assert titles(search_as(member, "漏水")) == set()
    assert titles(search_as(owner_a, "漏水")) == {"电梯故障"}

    topic.delete()
    index_now()
    assert titles(search_as(owner_a, "漏水")) == set()


def test_pages_members_only_and_unpublished(backend_name, db):
    backend = get_backend()
    backend.index(
        [
            IndexDocument(kind="news", object_id=1, title="物业通知", body="停水", url="/n/1/"),
            IndexDocument(
                kind="handbook",
                object_id=2,
                title="会员手册 物业",
                body="积分",
                url="/h/2/",
                members_only=True,
            ),
        ]
    )
    visitor = Audience()
    member = Audience(user_id=7)

    assert {h.title for h in backend.search(SearchQuery(text="物业"), audience=visitor).hits} == {
        "物业通知"
    }
    found = backend.search(SearchQuery(text="物业", kinds=("handbook",)), audience=member)
    assert [h.url for h in found.hits] == ["/h/2/"]

    backend.delete([("handbook", 2)])
    assert backend.search(SearchQuery(text="物业"), audience=member).total == 1


def test_rebuild_resumes_after_an_interruption(index_now, help_board, member):
    for number in range(4):
        make_topic(forum=help_board, poster=member, subject=f"物业{number}", content="x")

    class Interrupt(Exception):
        pass

    class StopAfterTwo:
        seen = 0

        def reset(self, total):
            pass

        def set_description(self, text):
            pass

        def update(self, count):
            self.seen += count
            if self.seen >= 2:
                raise Interrupt

    with pytest.raises(Interrupt):
        index_rebuild(batch=1, progress=StopAfterTwo())
    summary = index_rebuild(batch=1)
    index_now()

    assert summary["resumed"] == 1
    assert summary["post"] == 2
    assert search_as(member, "物业").total == 4


# --- merchants --------------------------------------------------------------------------------
def _merchant(name, **options):
    from tests.cms.conftest import make_merchant

    return make_merchant(name=name, **options)


def test_active_merchants_are_found_by_name_and_category(index_now, member):
    from cms.models import MerchantCategory

    cafe = _merchant("街角咖啡馆", category=MerchantCategory.DINING, city="杭州")
    _merchant("瑜伽馆", category=MerchantCategory.HEALTH)
    index_now()

    by_name = search_as(None, "咖啡")
    by_category = search_as(member, "餐饮")

    assert titles(by_name) == titles(by_category) == {"街角咖啡馆"}
    hit = by_name.hits[0]
    assert hit.kind == "merchant" and hit.object_id == cafe.pk
    assert hit.url.startswith("/offers/?") and "city=%E6%9D%AD%E5%B7%9E" in hit.url
    assert "category=dining" in hit.url


def test_inactive_merchants_are_not_found(index_now, member):
    from cms.models import Merchant

    _merchant("咖啡一号", status=Merchant.Status.SUSPENDED)
    _merchant("咖啡二号", start=-400, end=-1)
    open_cafe = _merchant("咖啡三号")
    index_now()
    assert titles(search_as(member, "咖啡")) == {"咖啡三号"}

    open_cafe.status = Merchant.Status.ENDED
    open_cafe.full_clean()
    open_cafe.save()
    index_now()
    assert titles(search_as(member, "咖啡")) == set()


def test_deleted_merchant_is_removed(index_now, member):
    cafe = _merchant("咖啡四号")
    index_now()
    assert titles(search_as(member, "咖啡")) == {"咖啡四号"}

    cafe.delete()
    index_now()
    assert search_as(member, "咖啡").total == 0


def test_merchants_type_filter_and_facet(index_now, help_board, member):
    make_topic(forum=help_board, poster=member, subject="附近有什么咖啡", content="求推荐")
    _merchant("咖啡五号")
    _merchant("咖啡六号")
    index_now()

    everything = search_as(member, "咖啡")
    merchants = search_as(member, "咖啡", kinds=("merchant",))

    assert everything.facets["kind"] == {"post": 1, "merchant": 2}
    assert titles(merchants) == {"咖啡五号", "咖啡六号"}
    assert merchants.total == 2
    assert merchants.facets["kind"] == {"post": 1, "merchant": 2}


def test_rebuild_includes_active_merchants_only(index_now, help_board, member):
    from cms.models import Merchant
    from search.models import IndexQueue

    _merchant("咖啡七号")
    _merchant("咖啡八号", status=Merchant.Status.SUSPENDED)
    make_topic(forum=help_board, poster=member, subject="咖啡豆", content="x")
    IndexQueue.objects.all().delete()

    summary = index_rebuild()
    index_now()

    assert summary["merchant"] == 1
    assert summary["skipped"] >= 1
    assert titles(search_as(member, "咖啡")) == {"咖啡七号", "咖啡豆"}
