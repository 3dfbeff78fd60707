"""Issue 13: attachments, the report page, the trust rule, the posting race and post counts.

Each test failed before its fix (the finding's number is in its name's docstring).
"""

import os
import threading
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connections
from django.test import Client
from django.urls import reverse
from machina.apps.forum_conversation.forum_attachments.models import Attachment
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards import posting
from forum.boards.models import Board
from forum.boards.services import TRUSTED_MEMBERS_GROUP, trusted_members_group_ensure
from tests.conftest import make_topic
from tests.factories import UserFactory
from tests.forum.conftest import private_complaint_make, topic_url, trust
from tests.forum.test_posting import create_url, reply_url, topic_data

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def attach(post, name="secret.pdf", payload=b"%PDF-1.4 private"):
    attachment = Attachment(post=post, comment="")
    attachment.file.save(name, ContentFile(payload), save=True)
    return attachment


def attachment_url(attachment):
    return reverse("forum_conversation:attachment", kwargs={"pk": attachment.pk})


def unapproved_reply(topic, poster, content="我的电话 13800138000"):
    return Post.objects.create(
        topic=topic, poster=poster, subject="re", content=content, approved=False
    )


# 1. Attachments honour visibility


def test_staff_only_complaint_attachment_is_refused_to_visitor_and_other_members(
    client, boards, complainant, owner_a, engineering_staff, property_staff, moderator
):
    topic = private_complaint_make(boards=boards, poster=complainant)
    attachment = attach(topic.first_post)
    url = attachment_url(attachment)

    for user in (None, owner_a, engineering_staff):
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 404, user
        assert b"private" not in b"".join(getattr(response, "streaming_content", [b""]))
    for user in (complainant, property_staff, moderator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == b"%PDF-1.4 private"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_unapproved_post_attachment_only_for_its_author_and_moderators(
    client, boards, member, moderator
):
    newcomer = UserFactory(username="newcomer")
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问")
    attachment = attach(unapproved_reply(topic, newcomer))
    url = attachment_url(attachment)

    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(newcomer)
    assert client.get(url).status_code == 200
    client.force_login(moderator)
    assert client.get(url).status_code == 200


def test_owners_board_attachment_is_refused_outside_the_project(
    client, boards, project_a, owner_a, owner_b, member, property_staff
):
    topic = make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="业主大会")
    url = attachment_url(attach(topic.first_post))

    for user in (owner_b, member, property_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(owner_a)
    assert client.get(url).status_code == 200


def test_public_attachment_is_served_to_visitors(client, boards, member):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="图")
    attachment = attach(topic.first_post, "plan.txt", b"hello")

    response = client.get(attachment_url(attachment))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"


def test_attachment_through_the_web_server_when_configured(client, boards, member, settings):
    settings.FORUM_ATTACHMENT_ACCEL_REDIRECT = "/protected-media/"
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="图")
    attachment = attach(topic.first_post, "plan.txt", b"hello")

    response = client.get(attachment_url(attachment))

    assert response["X-Accel-Redirect"] == "/protected-media/" + attachment.file.name
    assert response.content == b""


def test_missing_attachment_file_is_404_and_its_topic_page_still_renders(client, boards, member):
    """Finding 8: a topic whose attachment file is missing on disk answered 500."""
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="丢图")
    attachment = attach(topic.first_post, "gone.txt", b"x")
    os.remove(attachment.file.path)

    page = client.get(topic_url(topic))

    assert page.status_code == 200
    assert "gone.txt" in page.content.decode()
    assert client.get(attachment_url(attachment)).status_code == 404


def test_media_route_never_serves_forum_attachments(rf, boards, member, settings):
    from django.http import Http404

    from portal.views import public_media

    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="图")
    attachment = attach(topic.first_post, "plan.txt", b"hello")
    with open(os.path.join(settings.MEDIA_ROOT, "avatar.txt"), "wb") as public_file:
        public_file.write(b"avatar")

    for path in (attachment.file.name, "./" + attachment.file.name, "x/../" + attachment.file.name):
        with pytest.raises(Http404):
            public_media(rf.get("/media/" + path), path)
    assert public_media(rf.get("/media/avatar.txt"), "avatar.txt").status_code == 200


# 2. The report page applies the per-post rule


def test_report_page_refuses_an_unapproved_post(client, boards, member):
    newcomer = UserFactory(username="newcomer")
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问")
    post = unapproved_reply(topic, newcomer)
    client.force_login(member)

    response = client.get(reverse("boards:post_report", kwargs={"pk": post.pk}))

    assert response.status_code == 403
    assert "13800138000" not in response.content.decode()


def test_report_page_shows_an_approved_post(client, boards, member):
    topic = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum,
        poster=UserFactory(),
        subject="问",
        content="卖货",
    )
    client.force_login(member)

    response = client.get(reverse("boards:post_report", kwargs={"pk": topic.first_post_id}))

    assert response.status_code == 200


# 3. Trust comes only from posts a moderator approved


def test_automatic_complaint_replies_do_not_make_a_member_trusted(client, boards, member):
    trusted_members_group_ensure()
    complaint = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=UserFactory(), subject="漏水"
    )
    newcomer = UserFactory(username="newcomer")
    for n in range(posting.TRUSTED_AFTER_APPROVED_POSTS + 1):
        post = Post.objects.create(
            topic=complaint, poster=newcomer, subject="re", content=f"顶{n}", approved=True
        )
    assert Post.objects.get(pk=post.pk).approved

    assert not posting.member_trust_update(user=newcomer)
    client.force_login(newcomer)
    client.post(create_url(boards[Board.Kind.MUTUAL_HELP].forum), topic_data("互助新帖"))

    assert not newcomer.groups.filter(name=TRUSTED_MEMBERS_GROUP).exists()
    assert not Topic.objects.get(subject="互助新帖").approved


def test_moderator_approved_posts_make_a_member_trusted(boards, member):
    topic = make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=UserFactory(), subject="球")
    before = posting.moderator_approved_posts_count(user=member)
    for n in range(posting.TRUSTED_AFTER_APPROVED_POSTS):
        post = unapproved_reply(topic, member, content=f"我来{n}")
        post.approved = True  # what machina's moderation queue does on approval
        post.save()

    assert posting.moderator_approved_posts_count(user=member) == before + 3
    assert posting.member_trust_update(user=member)


# 6. The posting interval is claimed atomically


def test_interval_slot_is_claimed_once(boards, member):
    assert posting.post_rate_limit_take(user=member) is None
    assert posting.post_rate_limit_take(user=member)  # the refusal, as a sentence


CACHE_BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "race"},
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", ""),
        "KEY_PREFIX": f"test-security-{uuid.uuid4().hex}",
    },
}


@pytest.mark.parametrize("backend", sorted(CACHE_BACKENDS))
def test_simultaneous_claims_get_one_slot(settings, boards, member, backend):
    if backend == "redis" and not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    backend_settings = dict(CACHE_BACKENDS[backend])
    if backend == "redis":
        # This worker's own Redis database (portal/settings/test.py): another xdist worker's
        # cache.clear() flushes the database named by REDIS_URL, keys and all.
        backend_settings["LOCATION"] = django_settings.CACHES["default"]["LOCATION"]
    settings.CACHES = {**settings.CACHES, "default": backend_settings}
    # Groups prefetched: the threads read no database.
    member = type(member).objects.prefetch_related("groups").get(pk=member.pk)
    barrier = threading.Barrier(8)
    refusals = []

    def claim():
        barrier.wait()
        refusals.append(posting.post_rate_limit_take(user=member))

    threads = [threading.Thread(target=claim) for _n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    posting.post_rate_limit_release(user=member)

    assert refusals.count(None) == 1


def test_a_refused_form_does_not_use_up_the_interval(client, boards, member):
    client.force_login(trust(member))
    forum = boards[Board.Kind.MUTUAL_HELP].forum

    client.post(create_url(forum), topic_data(""))  # no subject: refused
    client.post(create_url(forum), topic_data("有标题"))

    assert Topic.objects.filter(subject="有标题").exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="threads need a server database")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_replies_save_only_one():
    from forum.boards.services import board_skeleton_ensure

    boards = board_skeleton_ensure()
    replier = trust(UserFactory(username="fast"))
    topic = make_topic(
        forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=UserFactory(), subject="抢楼"
    )
    clients = []
    for _n in range(3):
        c = Client()
        c.force_login(replier)
        clients.append(c)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def reply(c, n):
        try:
            barrier.wait()
            response = c.post(reply_url(topic), topic_data("re", f"沙发{n}"))
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reply, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 200, 302]
    assert Post.objects.filter(topic=topic, poster=replier).count() == 1


# 10. Post counts on profiles exclude posts the reader may not see


def test_profile_post_count_excludes_hidden_posts(client, boards, complainant, member, moderator):
    private_complaint_make(boards=boards, poster=complainant)
    private_complaint_make(boards=boards, poster=complainant, subject="第二件")
    make_topic(forum=boards[Board.Kind.COMMUNITY].forum, poster=complainant, subject="公开")
    url = reverse("forum_member:profile", kwargs={"pk": complainant.pk})

    client.force_login(member)
    seen_by_member = client.get(url)
    client.force_login(moderator)
    seen_by_moderator = client.get(url)

    assert seen_by_member.context["visible_posts_count"] == 1
    assert seen_by_moderator.context["visible_posts_count"] == 3
    counter = seen_by_member.content.decode().split('data-testid="profile-posts-count"')[1]
    assert "<strong>1</strong>" in counter[:120]


def test_topic_page_post_count_beside_a_post_excludes_hidden_posts(
    client, boards, complainant, member
):
    private_complaint_make(boards=boards, poster=complainant)
    public = make_topic(
        forum=boards[Board.Kind.COMMUNITY].forum, poster=complainant, subject="公开"
    )
    client.force_login(member)

    page = client.get(topic_url(public)).content.decode()

    sidebar = page.split('class="posts-count text-muted"')[1][:80]
    assert "</b>&nbsp;1</div>" in sidebar


def test_member_posts_list_hides_unapproved_posts_from_others(client, boards, member):
    newcomer = UserFactory(username="newcomer")
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问")
    unapproved_reply(topic, newcomer)
    url = reverse("forum_member:user_posts", kwargs={"pk": newcomer.pk})

    client.force_login(member)
    assert "13800138000" not in client.get(url).content.decode()
    client.force_login(newcomer)
    assert "13800138000" in client.get(url).content.decode()


def test_an_accepted_answer_hidden_later_is_not_quoted_on_the_topic(client, boards, member):
    from forum.boards.models import AcceptedAnswer

    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="问")
    answer = Post.objects.create(
        topic=topic, poster=UserFactory(), subject="re", content="加我微信 abc123", approved=True
    )
    AcceptedAnswer.objects.create(topic=topic, post=answer, accepted_by=member)
    answer.approved = False  # a moderator hid it after a report
    answer.save()

    page = client.get(topic_url(topic)).content.decode()

    assert "abc123" not in page
