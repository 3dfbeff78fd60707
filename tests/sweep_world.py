"""The URL sweep's world: one object of each kind, one account per role (tests/test_url_sweep.py).

Built once per module. Every text that only some roles may read carries a marker (``SECRETS``),
so the sweep can check that no page, feed or file shows it to anyone else.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from machina.apps.forum_conversation.forum_attachments.models import Attachment
from machina.apps.forum_conversation.forum_polls.models import TopicPoll, TopicPollOption
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board, PostReport, TopicVisibility
from forum.boards.services import board_skeleton_ensure, moderators_group_ensure
from forum.cases.models import Case, Department
from portal.members.cards import card_token
from portal.members.models import (
    MemberProfile,
    RedemptionItem,
    RedemptionRequest,
    UnitOwnership,
)
from portal.members.services import housing_project_ensure, unit_ownership_verify
from search.services import queue_process
from tests.factories import UserFactory

ROLES = (
    "visitor",
    "member",  # a plain member who owns nothing and wrote nothing here
    "author",  # wrote the staff-only complaint and the post awaiting approval; has a claim,
    # a redemption request and a card
    "owner_a",  # verified owner in project A, whose owners' board holds a topic
    "owner_b",  # owner of the other project
    "design",
    "engineering",
    "property",  # the department the staff-only complaint is routed to
    "editor",  # Wagtail's Editors group
    "moderator",
    "service",  # member-service staff: the portal's staff permissions, no personal data
)
DEPARTMENT_ROLES = ("design", "engineering", "property")
SERVICE_PERMISSIONS = (
    "view_memberprofile",
    "export_members",
    "add_pointsentry",
    "change_memberprofile",
    "verify_unitownership",
    "change_redemptionrequest",
)

# marker -> roles that may read it
SECRETS = {
    "SWEEP-PRIVATE-门牌号": {"author", "moderator", "property"},
    "SWEEP-OWNERS-电梯维保": {"owner_a", "moderator"},
    "SWEEP-PENDING-13912345678": {"author", "moderator"},
    "SWEEP-ATTACHMENT-BYTES": {"author", "moderator", "property"},
    "SWEEP-RATING-态度很差": {"author", "moderator", "design"},
}


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)


def _topic(*, forum, poster, subject, content, approved=True) -> Topic:
    topic = Topic.objects.create(
        forum=forum,
        subject=subject,
        poster=poster,
        type=Topic.TOPIC_POST,
        status=Topic.TOPIC_UNLOCKED,
        approved=approved,
    )
    Post.objects.create(
        topic=topic, poster=poster, subject=subject, content=content, approved=approved
    )
    return topic


def world_build() -> World:
    boards = board_skeleton_ensure()
    project_a = housing_project_ensure(name="翠湖天地", slug="cuihu", city="上海", phases=2)
    project_b = housing_project_ensure(name="滨江壹号", slug="binjiang", city="杭州")
    admin = UserFactory(username="sweep_admin", is_staff=True, is_superuser=True)
    departments = {d.code: d for d in Department.objects.all()}

    users: dict[str, Any] = {"visitor": None}
    users["member"] = UserFactory(username="sweep_member")
    users["author"] = UserFactory(username="sweep_author")
    for role, project in (("owner_a", project_a), ("owner_b", project_b)):
        ownership = UnitOwnership.objects.create(
            member=UserFactory(username=f"sweep_{role}"),
            project=project,
            building="1栋",
            unit="101",
        )
        unit_ownership_verify(ownership=ownership, by=admin)
        users[role] = ownership.member
    for code in DEPARTMENT_ROLES:
        users[code] = UserFactory(username=f"sweep_{code}")
        users[code].groups.add(departments[code].staff_group)
    users["editor"] = UserFactory(username="sweep_editor")
    users["editor"].groups.add(Group.objects.get(name="Editors"))
    users["moderator"] = UserFactory(username="sweep_moderator")
    users["moderator"].groups.add(moderators_group_ensure())
    service_group, _created = Group.objects.get_or_create(name="sweep-member-service")
    service_group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="portal", codename__in=SERVICE_PERMISSIONS
        )
    )
    users["service"] = UserFactory(username="sweep_service", is_staff=True)
    users["service"].groups.add(service_group)

    author, member = users["author"], users["member"]
    MemberProfile.objects.filter(user=author).update(mobile="13800138000", city="上海")
    o: dict[str, Any] = {"project_a": project_a, "project_b": project_b}

    # Public: a question in mutual help, answered by a member.
    help_forum = boards[Board.Kind.MUTUAL_HELP].forum
    o["public_topic"] = _topic(
        forum=help_forum, poster=member, subject="求推荐钢琴老师", content="孩子五岁"
    )
    o["public_reply"] = Post.objects.create(
        topic=o["public_topic"], poster=users["owner_b"], content="楼下有一位", approved=True
    )
    # A reply awaiting approval, with a phone number in it.
    o["pending_post"] = Post.objects.create(
        topic=o["public_topic"],
        poster=author,
        content="加我微信 SWEEP-PENDING-13912345678",
        approved=False,
    )
    o["poll"] = TopicPoll.objects.create(topic=o["public_topic"], question="哪天方便？")
    o["poll_option"] = TopicPollOption.objects.create(poll=o["poll"], text="周六")
    o["report"] = PostReport.objects.create(
        post=o["public_reply"], reporter=member, reason=PostReport.Reason.SPAM
    )

    # The owners' board of project A.
    o["owners_topic"] = _topic(
        forum=project_a.owners_board.forum,
        poster=users["owner_a"],
        subject="SWEEP-OWNERS-电梯维保 进度",
        content="三号梯",
    )
    o["owners_topic"].subscribers.add(users["owner_a"])

    # A staff-only complaint routed to property, with an attachment.
    complaints = boards[Board.Kind.COMPLAINTS].forum
    o["private_topic"] = _topic(
        forum=complaints,
        poster=author,
        subject="SWEEP-PRIVATE-门牌号 被泄露",
        content="SWEEP-PRIVATE-门牌号 详情",
    )
    TopicVisibility.objects.create(topic=o["private_topic"], staff_only=True)
    o["case_property"] = Case.objects.create(
        topic=o["private_topic"], department=departments["property"], status="assigned"
    )
    o["attachment"] = Attachment(post=o["private_topic"].first_post, comment="照片")
    o["attachment"].file.save("sweep.txt", ContentFile(b"SWEEP-ATTACHMENT-BYTES"), save=True)

    # A public complaint routed to design, resolved and rated by its author.
    o["design_topic"] = _topic(
        forum=complaints, poster=author, subject="外立面颜色与样板不符", content="色差明显"
    )
    o["case_design"] = Case.objects.create(
        topic=o["design_topic"],
        department=departments["design"],
        status="resolved",
        satisfaction=2,
        satisfaction_comment="SWEEP-RATING-态度很差",
    )
    # A suggestion routed to engineering.
    o["engineering_topic"] = _topic(
        forum=boards[Board.Kind.SUGGESTIONS].forum,
        poster=member,
        subject="建议增加充电桩",
        content="地库车位",
    )
    o["case_engineering"] = Case.objects.create(
        topic=o["engineering_topic"],
        type=Case.Type.SUGGESTION,
        department=departments["engineering"],
        status="assigned",
    )

    # Members' domain: a pending claim, a redemption request and a card.
    o["claim"] = UnitOwnership.objects.create(
        member=author, project=project_a, building="2栋", unit="902"
    )
    item = RedemptionItem.objects.create(name="保温杯", points_cost=100, stock=5)
    o["redemption"] = RedemptionRequest.objects.create(member=author, item=item, points_cost=100)
    o["card_token"] = card_token(profile=MemberProfile.objects.get(user=author))

    # Index everything, as the task does after a commit, so the search page has the markers.
    while queue_process()["processed"]:
        pass
    return World(users=users, objects=o)
