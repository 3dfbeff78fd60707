import pytest
from django.utils.html import strip_tags

from forum.boards.models import Board
from forum.cases.models import Department
from tests.conftest import make_topic, staff_of


@pytest.fixture
def drain(settings, db):
    from search.services import queue_process

    settings.ELASTICSEARCH_URL = ""

    def run():
        while queue_process()["processed"]:
            pass

    return run


def text_of(response) -> str:
    return strip_tags(response.content.decode())


def test_search_finds_public_posts_and_hides_other_projects_owner_boards(
    client, boards, project_a, project_b, owner_a, owner_b, drain
):
    make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=owner_a, subject="车库漏水")
    make_topic(forum=project_b.owners_board.forum, poster=owner_b, subject="滨江漏水")
    make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="翠湖漏水")
    drain()

    client.force_login(owner_a)
    text = text_of(client.get("/search/", {"q": "漏水"}))

    assert "车库漏水" in text
    assert "翠湖漏水" in text
    assert "滨江漏水" not in text
    assert "2 results" in text or "2 个结果" in text


def test_visitor_search_sees_no_owner_board_posts_and_gets_no_session(
    client, project_a, owner_a, drain
):
    make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="翠湖漏水")
    drain()

    response = client.get("/search/", {"q": "漏水"})

    assert "翠湖漏水" not in text_of(response)
    assert "没有找到" in text_of(response)
    assert "sessionid" not in response.cookies


def test_words_are_marked_and_user_text_is_escaped(client, boards, member, drain):
    make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum,
        poster=member,
        subject="<b>漏水</b>求助",
        content="<script>alert(1)</script> 顶板漏水了",
    )
    drain()

    html = client.get("/search/", {"q": "漏水"}).content.decode()

    assert "&lt;b&gt;<mark>漏水</mark>&lt;/b&gt;求助" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 顶板<mark>漏水</mark>了" in html
    assert "<script>alert(1)" not in html


def test_empty_punctuation_and_huge_queries_get_an_answer(client, boards):
    assert "输入" in text_of(client.get("/search/"))
    assert "没有可以搜索的词" in text_of(client.get("/search/", {"q": "？！。,,"}))
    response = client.get("/search/", {"q": "漏" * 10000, "page": "99999999999"})
    assert response.status_code == 200
    assert "结果" in text_of(response)


def test_type_and_board_facets_link_to_narrower_searches(client, boards, member, drain):
    help_board = boards[Board.Kind.MUTUAL_HELP].forum
    make_topic(forum=help_board, poster=member, subject="漏水一", content="x")
    make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="漏水二")
    drain()

    first = client.get("/search/", {"q": "漏水"})
    narrowed = client.get("/search/", {"q": "漏水", "board": help_board.pk, "sort": "newest"})

    assert f"board={help_board.pk}" in first.content.decode()
    assert "互助" in text_of(first) and "(1)" in text_of(first)
    assert "漏水一" in text_of(narrowed)
    assert "漏水二" not in text_of(narrowed)


def test_staff_filter_by_department_and_others_cannot(client, boards, member, drain):
    from forum.cases.models import Case

    topic = make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="漏水甲")
    make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="漏水乙")
    department = Department.objects.get(code="property")
    Case.objects.create(topic=topic, department=department)
    drain()

    client.force_login(staff_of("property"))
    staff_page = client.get("/search/", {"q": "漏水", "department": department.pk})
    client.force_login(member)
    member_page = client.get("/search/", {"q": "漏水", "department": department.pk})

    assert "漏水甲" in text_of(staff_page) and "漏水乙" not in text_of(staff_page)
    assert "漏水甲" in text_of(member_page) and "漏水乙" in text_of(member_page)


def test_forum_search_box_uses_site_search(client, boards):
    response = client.get("/forum/search/", {"q": "物业"})

    assert response.status_code == 302
    assert response.url.startswith("/search/?q=%E7%89%A9%E4%B8%9A")


def test_search_engine_down_gives_a_friendly_page(client, settings, boards):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_ES_CLIENT_OPTIONS = {"max_retries": 0, "request_timeout": 1}

    response = client.get("/search/", {"q": "漏水"})

    assert response.status_code == 503
    assert "暂时无法搜索" in text_of(response)


def test_merchants_type_on_the_search_page(client, boards, member, drain):
    from tests.cms.conftest import make_merchant

    make_merchant(name="街角咖啡馆", city="杭州")
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="咖啡机漏水")
    drain()

    everything = client.get("/search/", {"q": "咖啡"})
    merchants = client.get("/search/", {"q": "咖啡", "type": "merchants"})

    assert "联盟商家" in text_of(everything)  # the type choice and its facet
    assert "type=merchants" in everything.content.decode()
    assert "街角咖啡馆" in text_of(merchants)
    assert "咖啡机漏水" not in text_of(merchants)
    assert 'href="/offers/?city=' in merchants.content.decode()
