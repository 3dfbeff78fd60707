from forum.boards.models import Board
from tests.conftest import make_topic


def test_search_finds_public_posts_and_hides_other_projects_owner_boards(
    client, boards, project_a, project_b, owner_a, owner_b
):
    make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=owner_a, subject="车库漏水")
    make_topic(forum=project_b.owners_board.forum, poster=owner_b, subject="滨江漏水")
    make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="翠湖漏水")

    client.force_login(owner_a)
    text = client.get("/search/", {"q": "漏水"}).text

    assert "车库漏水" in text
    assert "翠湖漏水" in text
    assert "滨江漏水" not in text


def test_visitor_search_sees_no_owner_board_posts(client, project_a, owner_a):
    make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="翠湖漏水")

    text = client.get("/search/", {"q": "漏水"}).text

    assert "翠湖漏水" not in text
    assert "没有找到" in text


def test_search_survives_empty_and_huge_queries(client, boards):
    assert "输入" in client.get("/search/").text
    response = client.get("/search/", {"q": "漏" * 10000})
    assert response.status_code == 200


def test_forum_search_box_uses_site_search(client, boards):
    response = client.get("/forum/search/", {"q": "物业"})

    assert response.status_code == 302
    assert response.url.startswith("/search/?q=%E7%89%A9%E4%B8%9A")
