"""Forum lists, feeds, member pages and unread lists never show a topic the reader may not see."""

from django.urls import reverse
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.models import Post
from machina.apps.forum_tracking.models import TopicReadTrack

from forum.boards.models import Board
from tests.conftest import make_topic, search_index_drain, search_titles
from tests.forum.conftest import forum_url


def test_index_lists_owners_board_locked_for_non_owners(client, project_a, owner_a, member):
    make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="电梯维保进度")

    client.force_login(member)
    page = client.get("/forum/").content.decode()

    assert "翠湖天地" in page
    assert 'data-testid="locked-board"' in page
    assert "电梯维保进度" not in page
    assert "owner_a" not in page


def test_index_lists_owners_board_open_for_its_owner(client, project_a, owner_a):
    client.force_login(owner_a)
    page = client.get("/forum/").content.decode()

    assert (
        reverse(
            "forum:forum",
            kwargs={
                "slug": project_a.owners_board.forum.slug,
                "pk": project_a.owners_board.forum.pk,
            },
        )
        in page
    )


def test_visitor_sees_owners_board_exists_but_cannot_open_it(client, project_a):
    page = client.get("/forum/").content.decode()

    assert "翠湖天地" in page and 'data-testid="locked-board"' in page
    response = client.get(forum_url(project_a.owners_board.forum))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_last_post_column_never_points_to_a_private_complaint(
    client, boards, member, owner_a, private_complaint
):
    forum = boards[Board.Kind.COMPLAINTS].forum
    public = make_topic(forum=forum, poster=member, subject="公开投诉")
    # The private complaint is the newest post of the board, so machina's own column shows it.
    newest = public.last_post.created.replace(year=2099)
    Post.objects.filter(topic=private_complaint).update(created=newest)
    Forum.objects.filter(pk=forum.pk).update(last_post=private_complaint.first_post)

    client.force_login(owner_a)
    page = client.get("/forum/").content.decode()

    assert f"post={private_complaint.first_post_id}" not in page
    assert private_complaint.slug not in page
    assert f"post={public.first_post_id}" in page


def test_board_topic_list_hides_private_complaints(
    client, boards, owner_a, private_complaint, complainant
):
    url = forum_url(boards[Board.Kind.COMPLAINTS].forum)

    client.force_login(owner_a)
    assert private_complaint.subject not in client.get(url).content.decode()

    client.force_login(complainant)
    assert private_complaint.subject in client.get(url).content.decode()


def test_feeds_leave_out_private_complaints(client, boards, private_complaint, complainant):
    forum = boards[Board.Kind.COMPLAINTS].forum
    urls = [
        reverse("forum_feeds:latest_topics"),
        reverse(
            "forum_feeds:forum_latest_topics",
            kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk},
        ),
    ]
    for url in urls:
        assert private_complaint.subject not in client.get(url).content.decode()

    client.force_login(complainant)
    assert private_complaint.subject in client.get(urls[0]).content.decode()


def test_member_post_list_and_profile_hide_private_complaints(
    client, private_complaint, complainant, owner_a
):
    posts_url = reverse("forum_member:user_posts", kwargs={"pk": complainant.pk})
    profile_url = reverse("forum_member:profile", kwargs={"pk": complainant.pk})

    client.force_login(owner_a)
    assert private_complaint.subject not in client.get(posts_url).content.decode()
    assert private_complaint.subject not in client.get(profile_url).content.decode()

    client.force_login(complainant)
    assert private_complaint.subject in client.get(posts_url).content.decode()


def test_unread_topics_hide_private_complaints(client, private_complaint, owner_a, complainant):
    TopicReadTrack.objects.filter(user=owner_a).delete()

    client.force_login(owner_a)
    page = client.get(reverse("forum_tracking:unread_topics")).content.decode()

    assert private_complaint.subject not in page


def test_home_and_search_never_show_a_private_complaint(
    client, boards, private_complaint, complainant, owner_a
):
    public = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=complainant, subject="小区门牌号看不清"
    )
    search_index_drain()
    client.force_login(owner_a)

    home = client.get("/").content.decode()
    found = search_titles(client, "门牌号")

    assert public.subject in home
    assert private_complaint.subject not in home
    assert public.subject in found
    assert private_complaint.subject not in found
    client.force_login(complainant)
    assert private_complaint.subject in client.get("/").content.decode()
    assert private_complaint.subject in search_titles(client, "门牌号")


def test_visitor_browsing_the_forum_gets_no_session(client, boards, member):
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="求推荐钢琴老师")

    response = client.get("/forum/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
