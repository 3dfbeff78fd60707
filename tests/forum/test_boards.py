from django.urls import reverse

from forum.boards.models import Board
from tests.conftest import make_topic


def topic_url(topic):
    return reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum.pk,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )


def test_board_skeleton_is_created_once(boards):
    from forum.boards.services import board_skeleton_ensure

    board_skeleton_ensure()

    assert set(boards) == set(Board.Kind) - {Board.Kind.OWNERS}
    assert Board.objects.exclude(kind=Board.Kind.OWNERS).count() == 5


def test_visitor_reads_public_board(client, boards, member):
    topic = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="推荐钢琴老师"
    )

    assert "推荐钢琴老师" in client.get(topic_url(topic)).text
    assert "推荐钢琴老师" in client.get("/forum/").text or client.get("/forum/").status_code == 200


def test_owners_board_topic_is_refused_to_everyone_but_its_owners(
    client, project_a, owner_a, owner_b, member
):
    topic = make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="电梯维保进度")
    url = topic_url(topic)

    client.force_login(owner_a)
    assert "电梯维保进度" in client.get(url).text

    for outsider in (owner_b, member):
        client.force_login(outsider)
        response = client.get(url)
        assert response.status_code == 403, outsider
        assert "电梯维保进度" not in response.text

    client.logout()
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert "电梯维保进度" not in response.content.decode()


def test_member_can_start_a_topic_in_a_public_board_and_visitor_cannot(client, boards, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    url = reverse(
        "forum_conversation:topic_create", kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk}
    )

    assert client.get(url).status_code in (302, 403)

    client.force_login(member)
    response = client.post(
        url,
        {
            "subject": "求推荐搬家公司",
            "content": "下个月搬家，求推荐。",
            "attachment-TOTAL_FORMS": 0,
            "attachment-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302
    assert forum.topics.filter(subject="求推荐搬家公司", poster=member).exists()
