"""The topic page's cached posts fragment: shared only by readers who would see the same HTML."""

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Board
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import topic_url


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def topic(boards, member):
    topic = make_topic(
        forum=boards[Board.Kind.COMMUNITY].forum,
        poster=member,
        subject="周末羽毛球",
        content="几点",
    )
    Post.objects.create(
        topic=topic, poster=member, subject="回复", content="七点开始", approved=True
    )
    return topic


def _page(client, user, topic):
    client.force_login(user)
    response = client.get(topic_url(topic))
    assert response.status_code == 200
    return response


def _edit_links(response) -> int:
    return response.content.decode().count('title="编辑"') + response.content.decode().count(
        'title="Edit"'
    )


def test_members_without_a_role_share_one_copy(client, topic):
    first, second = UserFactory(username="reader1"), UserFactory(username="reader2")
    _page(client, first, topic)
    response = _page(client, second, topic)

    key = response.context["posts_cache_key"]
    assert key is not None
    assert cache.get(make_template_fragment_key("topic_posts", [key])) is not None
    assert "七点开始" in response.content.decode()


def test_the_author_sees_their_edit_links_after_others_filled_the_cache(client, topic, member):
    reader = UserFactory(username="reader1")
    shared = _page(client, reader, topic)
    assert _edit_links(shared) == 0

    own = _page(client, member, topic)
    assert own.context["posts_cache_key"] != shared.context["posts_cache_key"]
    assert _edit_links(own) >= 1
    # … and the shared copy is not touched by the author's.
    assert _edit_links(_page(client, reader, topic)) == 0


def test_a_moderator_never_gets_the_members_copy(client, topic, moderator):
    reader = UserFactory(username="reader1")
    _page(client, reader, topic)
    response = _page(client, moderator, topic)
    assert _edit_links(response) >= 2


def test_a_new_reply_or_an_edit_shows_at_once(client, topic, member):
    reader = UserFactory(username="reader1")
    _page(client, reader, topic)
    Post.objects.create(
        topic=topic, poster=member, subject="再回复", content="我也来", approved=True
    )
    assert "我也来" in _page(client, reader, topic).content.decode()

    post = Post.objects.filter(topic=topic, content="七点开始").get()
    post.content = "改成八点"
    post.save()
    page = _page(client, reader, topic).content.decode()
    assert "改成八点" in page and "七点开始" not in page


def test_no_copy_for_the_reader_who_may_accept_an_answer(boards, member):
    from forum.machina_apps.forum_conversation import fragments

    assert (
        fragments.topic_posts_cache_key(
            user=member,
            topic=None,
            posts=[],
            accepted_post_id=None,
            official_ids={},
            can_accept_answer=True,
            poll=None,
        )
        is None
    )


def test_languages_and_visitors_have_copies_of_their_own(client, topic, settings):
    chinese = client.get(topic_url(topic))
    english = client.get(topic_url(topic), HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=en")
    client.force_login(UserFactory(username="reader1"))
    member_page = client.get(topic_url(topic))

    keys = [page.context["posts_cache_key"] for page in (chinese, english, member_page)]
    assert None not in keys
    assert len(set(keys)) == 3
    for key in keys:
        assert cache.get(make_template_fragment_key("topic_posts", [key])) is not None
    assert "七点开始" in english.text and "七点开始" in member_page.text
