from django.utils import translation
from django.utils.translation import gettext


def test_machina_strings_speak_chinese():
    with translation.override("zh-hans"):
        assert gettext("Post a new topic") != "Post a new topic"
        assert gettext("View my posts") == "查看我的帖子"


def test_machina_topic_form_page_is_in_chinese(client, boards, member):
    from django.urls import reverse

    from forum.boards.models import Board

    forum = boards[Board.Kind.MUTUAL_HELP].forum
    client.force_login(member)
    page = client.get(
        reverse(
            "forum_conversation:topic_create",
            kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk},
        )
    ).content.decode()

    with translation.override("zh-hans"):
        assert gettext("Post a new topic") in page
