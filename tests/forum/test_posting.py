"""Posting: private complaints, newcomers' approval, rate limit, length cap and attachments."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards import posting
from forum.boards.models import Board, TopicVisibility
from forum.boards.services import TRUSTED_MEMBERS_GROUP
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import forum_url, topic_url, trust


def create_url(forum):
    return reverse(
        "forum_conversation:topic_create", kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk}
    )


def reply_url(topic):
    return reverse(
        "forum_conversation:post_create",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum.pk,
            "topic_slug": topic.slug,
            "topic_pk": topic.pk,
        },
    )


def topic_data(subject, content="内容", **extra):
    return {
        "subject": subject,
        "content": content,
        "attachment-TOTAL_FORMS": 0,
        "attachment-INITIAL_FORMS": 0,
        **extra,
    }


def test_complaint_form_offers_staff_only_and_other_boards_do_not(client, boards, member):
    client.force_login(member)

    complaint_form = client.get(create_url(boards[Board.Kind.COMPLAINTS].forum)).content.decode()
    help_form = client.get(create_url(boards[Board.Kind.MUTUAL_HELP].forum)).content.decode()

    assert 'name="staff_only"' in complaint_form and "仅工作人员可见" in complaint_form
    assert 'name="staff_only"' not in help_form


def test_private_complaint_is_created_staff_only(client, boards, member, owner_a):
    trust(member)
    forum = boards[Board.Kind.COMPLAINTS].forum
    client.force_login(member)

    response = client.post(create_url(forum), topic_data("邻居噪音扰民", staff_only="on"))

    topic = Topic.objects.get(subject="邻居噪音扰民")
    assert response.status_code == 302
    assert TopicVisibility.objects.get(topic=topic).staff_only
    client.force_login(owner_a)
    assert client.get(topic_url(topic)).status_code == 403
    assert "邻居噪音扰民" not in client.get(forum_url(forum)).content.decode()


def test_public_complaint_has_no_visibility_row(client, boards, member):
    trust(member)
    client.force_login(member)

    client.post(create_url(boards[Board.Kind.COMPLAINTS].forum), topic_data("路灯不亮"))

    assert not TopicVisibility.objects.filter(topic__subject="路灯不亮").exists()


def test_newcomer_topic_waits_for_approval_and_trusted_member_does_not(client, boards, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    client.force_login(member)

    client.post(create_url(forum), topic_data("新人的第一帖"))
    newcomer_topic = Topic.objects.get(subject="新人的第一帖")

    assert not newcomer_topic.approved
    client.logout()
    assert "新人的第一帖" not in client.get(forum_url(forum)).content.decode()

    trust(member)
    posting.cache.clear()
    client.force_login(member)
    client.post(create_url(forum), topic_data("老会员的帖子"))
    assert Topic.objects.get(subject="老会员的帖子").approved


@pytest.mark.parametrize("kind", [Board.Kind.COMPLAINTS, Board.Kind.SUGGESTIONS])
def test_newcomer_complaint_or_suggestion_is_published_at_once(client, boards, member, kind):
    forum = boards[kind].forum
    client.force_login(member)

    client.post(create_url(forum), topic_data("新业主的第一条投诉"))

    assert Topic.objects.get(subject="新业主的第一条投诉").approved


def test_member_becomes_trusted_after_enough_approved_posts(boards, member):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="一")
    for n in range(posting.TRUSTED_AFTER_APPROVED_POSTS - 1):
        Post.objects.create(
            topic=topic, poster=member, subject=f"回{n}", content="x", approved=True
        )

    assert posting.member_trust_update(user=member)
    assert member.groups.filter(name=TRUSTED_MEMBERS_GROUP).exists()


def test_member_is_not_trusted_before_enough_approved_posts(boards, member):
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="一")

    assert not posting.member_trust_update(user=member)


def test_posting_too_fast_is_refused_with_the_reason(client, boards, member):
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    client.force_login(member)

    client.post(create_url(forum), topic_data("第一帖"))
    response = client.post(create_url(forum), topic_data("第二帖"))

    assert response.status_code == 200
    assert not Topic.objects.filter(subject="第二帖").exists()
    assert str(posting.NEWCOMER_POST_INTERVAL_SECONDS) in response.content.decode()


def test_trusted_member_waits_the_shorter_interval_between_real_posts(
    client, boards, member, monkeypatch
):
    # Short intervals, so that waiting one out takes seconds on either cache (local memory or
    # Redis, whose expiry the test cannot move forward); 3 s leaves room for a slow machine
    # between the first post and the one refused.
    monkeypatch.setattr(posting, "POST_INTERVAL_SECONDS", 3)
    monkeypatch.setattr(posting, "NEWCOMER_POST_INTERVAL_SECONDS", 600)
    forum = boards[Board.Kind.MUTUAL_HELP].forum
    trusted = Client()
    trusted.force_login(trust(member))
    client.force_login(UserFactory(username="newcomer"))

    assert trusted.post(create_url(forum), topic_data("老会员第一帖")).status_code == 302
    first_posted = time.monotonic()
    too_fast = trusted.post(create_url(forum), topic_data("老会员太快"))
    assert client.post(create_url(forum), topic_data("新会员第一帖")).status_code == 302
    newcomer_too_fast = client.post(create_url(forum), topic_data("新会员太快"))

    assert "两次发帖之间请间隔 3 秒" in too_fast.text
    assert "新会员每 600 秒只能发一次帖" in newcomer_too_fast.text
    assert not Topic.objects.filter(subject__in=["老会员太快", "新会员太快"]).exists()
    time.sleep(max(0.0, first_posted + 3.2 - time.monotonic()))
    assert trusted.post(create_url(forum), topic_data("老会员第二帖")).status_code == 302
    assert client.post(create_url(forum), topic_data("新会员第二帖")).status_code == 200
    assert Topic.objects.filter(subject="老会员第二帖").exists()
    assert not Topic.objects.filter(subject="新会员第二帖").exists()


def test_overlong_post_is_refused_with_the_limit(client, boards, member):
    client.force_login(member)
    content = "字" * (posting.POST_MAX_LENGTH + 1)

    response = client.post(
        create_url(boards[Board.Kind.MUTUAL_HELP].forum), topic_data("长文", content)
    )

    assert not Topic.objects.filter(subject="长文").exists()
    assert str(posting.POST_MAX_LENGTH) in response.content.decode()


def upload_topic(client, forum, name, payload, content_type):
    data = topic_data("带附件", **{"attachment-TOTAL_FORMS": 1, "attachment-INITIAL_FORMS": 0})
    data["attachment-0-file"] = SimpleUploadedFile(name, payload, content_type=content_type)
    return client.post(create_url(forum), data)


def test_attachment_of_a_forbidden_type_is_refused_with_a_message(client, boards, member):
    client.force_login(member)

    response = upload_topic(
        client, boards[Board.Kind.MUTUAL_HELP].forum, "run.exe", b"MZ", "application/x-msdownload"
    )

    assert not Topic.objects.filter(subject="带附件").exists()
    assert "run.exe" in response.content.decode()


def test_attachment_too_large_is_refused_with_a_message(client, boards, member, settings):
    client.force_login(member)
    payload = b"x" * (posting.ATTACHMENT_MAX_BYTES + 1)

    response = upload_topic(
        client, boards[Board.Kind.MUTUAL_HELP].forum, "a.txt", payload, "text/plain"
    )

    assert not Topic.objects.filter(subject="带附件").exists()
    assert "a.txt" in response.content.decode()


def test_allowed_attachment_is_saved(client, boards, member):
    client.force_login(member)

    upload_topic(client, boards[Board.Kind.MUTUAL_HELP].forum, "note.txt", b"hello", "text/plain")

    post = Post.objects.get(subject="带附件")
    assert post.attachments.count() == 1


def test_reply_to_a_hidden_topic_is_refused(client, private_complaint, owner_a):
    client.force_login(owner_a)

    response = client.post(reply_url(private_complaint), {"subject": "x", "content": "偷看"})

    assert response.status_code == 403
    assert not Post.objects.filter(content="偷看").exists()
