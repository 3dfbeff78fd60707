"""The durable queue: posting never fails because the engine is down, and nothing is lost."""

import io
import socket

from django.core.management import call_command

from forum.boards.models import Board
from search.models import IndexQueue
from tests.conftest import make_topic
from tests.search.conftest import JsonHeadersNode, search_as, titles


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_post_is_saved_while_the_engine_is_down_and_indexed_on_retry(
    settings, boards, member, osmem_url, django_capture_on_commit_callbacks
):
    settings.SEARCH_ES_CLIENT_OPTIONS = {
        "node_class": JsonHeadersNode,
        "max_retries": 0,
        "request_timeout": 2,
    }
    settings.SEARCH_ES_REFRESH = True
    settings.SEARCH_INDEX_PREFIX = "queue-test"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"

    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(
            forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="停电漏水"
        )

    waiting = IndexQueue.objects.get(object_kind="post")
    assert topic.posts.count() == 1
    assert waiting.attempts == 1
    assert "Connection" in waiting.last_error

    settings.ELASTICSEARCH_URL = osmem_url
    out = io.StringIO()
    call_command("search_retry", stdout=out)

    assert "processed=1" in out.getvalue() and "waiting=0" in out.getvalue()
    assert titles(search_as(member, "漏水")) == {"停电漏水"}


def test_search_reindex_prints_a_summary_and_finds_everything(
    backend_name, boards, member, django_capture_on_commit_callbacks
):
    from tests.cms.conftest import make_merchant

    make_merchant(name="物业咖啡")
    for subject in ("物业一", "物业二", "物业三"):
        make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject=subject)
    IndexQueue.objects.all().delete()
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("search_reindex", stdout=out, stderr=io.StringIO())

    from cms.models import HomePage

    pages = HomePage.objects.live().count()
    assert f"Indexed 3 posts, {pages} pages and 1 merchants" in out.getvalue()
    assert search_as(member, "物业").total == 4
