import itertools
import socket

import pytest
from django.contrib.auth.models import AnonymousUser
from elastic_transport import Urllib3HttpNode
from machina.apps.forum_permission.handler import PermissionHandler

from forum.boards.models import Board, TopicVisibility
from forum.cases.models import Case, Department
from search.backends import get_backend
from search.backends.base import SearchQuery
from search.selectors import site_search
from search.services import queue_process
from tests.conftest import make_topic

BACKENDS = ["database", "elasticsearch"]
_prefixes = itertools.count()


class JsonHeadersNode(Urllib3HttpNode):
    """osmem-server (the test stand-in for Elasticsearch) speaks plain JSON only."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers is not None:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers and "vnd.elasticsearch" in str(headers[name]):
                    headers[name] = "application/json"
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def osmem_url():
    from osmem_server import OsmemServer

    server = OsmemServer.start(addr=f"127.0.0.1:{_free_port()}", japanese=False)
    yield server.url
    server.close()


@pytest.fixture(params=BACKENDS)
def backend_name(request, settings):
    """Each test runs on the database backend and on Elasticsearch (osmem-server)."""
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = request.getfixturevalue("osmem_url")
        settings.SEARCH_INDEX_PREFIX = f"test{next(_prefixes)}"
        settings.SEARCH_ES_CLIENT_OPTIONS = {"node_class": JsonHeadersNode}
        settings.SEARCH_ES_REFRESH = True
        yield request.param
        get_backend().clear()
    else:
        settings.ELASTICSEARCH_URL = ""
        yield request.param


@pytest.fixture
def index_now(backend_name):
    """Drain the index queue, as the task does after a commit."""

    def drain():
        while queue_process()["processed"]:
            pass

    return drain


@pytest.fixture
def corpus(boards, project_a, project_b, owner_a, owner_b, member, moderator):
    """Posts every role sees differently, all about a leaking roof (漏水)."""
    topics = {
        "public": make_topic(
            forum=boards[Board.Kind.MUTUAL_HELP].forum,
            poster=member,
            subject="车库漏水怎么办",
            content="地下车库顶板漏水，物业说下周来修。",
        ),
        "owners_a": make_topic(
            forum=project_a.owners_board.forum,
            poster=owner_a,
            subject="翠湖一期漏水汇总",
            content="一期三栋漏水，物业已登记。",
        ),
        "owners_b": make_topic(
            forum=project_b.owners_board.forum,
            poster=owner_b,
            subject="滨江漏水维修",
            content="滨江二栋屋面漏水。",
        ),
        "private": make_topic(
            forum=boards[Board.Kind.COMPLAINTS].forum,
            poster=member,
            subject="我家卫生间漏水私密投诉",
            content="楼上卫生间漏水，门牌号不便公开。",
        ),
        "unapproved": make_topic(
            forum=boards[Board.Kind.MUTUAL_HELP].forum,
            poster=owner_b,
            subject="待审核的漏水帖子",
            content="这条还没审核。",
        ),
    }
    TopicVisibility.objects.create(topic=topics["private"], staff_only=True)
    Case.objects.create(topic=topics["private"], department=Department.objects.get(code="property"))
    unapproved = topics["unapproved"]
    unapproved.approved = False
    unapproved.save()
    unapproved.posts.update(approved=False)
    return topics


def search_as(user, text="", **options):
    return site_search(
        query=SearchQuery(text=text, **options),
        user=user or AnonymousUser(),
        permission_handler=PermissionHandler(),
    )


def titles(results) -> set[str]:
    return {hit.title for hit in results.hits}
