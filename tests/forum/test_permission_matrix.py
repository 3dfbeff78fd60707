"""Who may list, read, post, reply, report and moderate, per board type and role.

Refused people get 403 or a login redirect, and never learn a hidden topic's title.
"""

import pytest
from django.urls import reverse

from forum.boards.models import Board
from tests.conftest import make_topic
from tests.forum.conftest import forum_url, topic_url

ROLES = (
    "visitor",
    "member",
    "owner_a",
    "owner_b",
    "moderator",
    "property_staff",
    "engineering_staff",
    "complainant",
)
EVERYONE = set(ROLES)
MEMBERS = EVERYONE - {"visitor"}

# target -> action -> roles allowed
EXPECTED = {
    "mutual_help": {
        "list": EVERYONE,
        "read": EVERYONE,
        "post": MEMBERS,
        "reply": MEMBERS,
        "report": MEMBERS,
        "moderate": {"moderator"},
    },
    "public_complaint": {
        "list": EVERYONE,
        "read": EVERYONE,
        "post": MEMBERS,
        "reply": MEMBERS,
        "report": MEMBERS,
        "moderate": {"moderator"},
    },
    "owners_a": {
        "list": {"owner_a", "moderator"},
        "read": {"owner_a", "moderator"},
        "post": {"owner_a", "moderator"},
        "reply": {"owner_a", "moderator"},
        "report": {"owner_a", "moderator"},
        "moderate": {"moderator"},
    },
    "private_complaint": {
        "list": {"complainant", "moderator", "property_staff"},
        "read": {"complainant", "moderator", "property_staff"},
        "post": MEMBERS,  # the complaints board itself is open to members
        "reply": {"complainant", "moderator", "property_staff"},
        "report": {"moderator", "property_staff"},  # not one's own post
        "moderate": {"moderator"},
    },
}


@pytest.fixture
def world(
    boards,
    member,
    owner_a,
    owner_b,
    neighbor_a,
    moderator,
    property_staff,
    engineering_staff,
    complainant,
    private_complaint,
):
    from tests.factories import UserFactory

    helper = UserFactory(username="helper")
    topics = {
        "mutual_help": make_topic(
            forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=helper, subject="求推荐钢琴老师"
        ),
        "public_complaint": make_topic(
            forum=boards[Board.Kind.COMPLAINTS].forum, poster=helper, subject="车库顶板漏水"
        ),
        "owners_a": make_topic(
            forum=owner_a.groups.get(
                housing_project__isnull=False
            ).housing_project.owners_board.forum,
            poster=neighbor_a,
            subject="电梯维保进度",
        ),
        "private_complaint": private_complaint,
    }
    users = {
        "visitor": None,
        "member": member,
        "owner_a": owner_a,
        "owner_b": owner_b,
        "moderator": moderator,
        "property_staff": property_staff,
        "engineering_staff": engineering_staff,
        "complainant": complainant,
    }
    return topics, users


def action_url(action, topic):
    forum = topic.forum
    if action == "list":
        return forum_url(forum)
    if action == "read":
        return topic_url(topic)
    if action == "post":
        return reverse(
            "forum_conversation:topic_create",
            kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk},
        )
    if action == "reply":
        return reverse(
            "forum_conversation:post_create",
            kwargs={
                "forum_slug": forum.slug,
                "forum_pk": forum.pk,
                "topic_slug": topic.slug,
                "topic_pk": topic.pk,
            },
        )
    if action == "report":
        return reverse("boards:post_report", kwargs={"pk": topic.first_post_id})
    if action == "moderate":
        return reverse("forum_moderation:topic_lock", kwargs={"slug": topic.slug, "pk": topic.pk})
    raise ValueError(action)


def assert_refused(response, subject, context):
    body = response.content.decode()
    assert response.status_code in (302, 403), context
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"], context
    assert subject not in body, context


@pytest.mark.parametrize("target", sorted(EXPECTED))
def test_permission_matrix(client, world, target):
    topics, users = world
    topic = topics[target]
    for action, allowed in EXPECTED[target].items():
        url = action_url(action, topic)
        for role in ROLES:
            client.logout()
            if users[role] is not None:
                client.force_login(users[role])
            response = client.get(url)
            context = f"{target} {action} {role}"
            if role in allowed:
                assert response.status_code == 200, context
                if action in ("list", "read"):
                    assert topic.subject in response.content.decode(), context
            elif action == "list" and response.status_code == 200:
                # The board is readable but this topic is hidden from the role.
                assert topic.subject not in response.content.decode(), context
            else:
                assert_refused(response, topic.subject, context)


def test_private_complaint_title_is_not_in_refused_page_title(client, world):
    topics, users = world
    client.force_login(users["owner_a"])

    response = client.get(topic_url(topics["private_complaint"]))

    body = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in body and "无权访问" in body
    assert "门牌号" not in body
