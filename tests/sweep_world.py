"""The URL sweep's world: one object of each kind, one account per role (tests/test_url_sweep.py).

Built once per module. Every text that only some roles may read carries a marker (``SECRETS``),
so the sweep can check that no page, feed or file shows it to anyone else.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from machina.apps.forum_conversation.forum_attachments.models import Attachment
from machina.apps.forum_conversation.forum_polls.models import TopicPoll, TopicPollOption
from machina.apps.forum_conversation.models import Post, Topic

from cms.models import HomePage
from forum.boards.models import Board, PostReport, TopicVisibility
from forum.boards.services import board_skeleton_ensure, moderators_group_ensure
from forum.cases.models import Case, CaseFollowUp, Department
from portal.activities.models import ActivityIndexPage, ActivityPage
from portal.activities.services import activity_sign_up
from portal.campaigns.content import click_token, unsubscribe_token
from portal.campaigns.models import Campaign, Segment
from portal.members.cards import card_token
from portal.members.models import (
    MemberProfile,
    PointsCategory,
    RedemptionItem,
    RedemptionRequest,
    UnitOwnership,
)
from portal.members.services import housing_project_ensure, unit_ownership_verify
from portal.rewards.models import (
    Fulfilment,
    PlanLine,
    PointsGrant,
    PointsGrantRecipient,
    PointsPlan,
    RewardOutlet,
)
from portal.surveys.models import SurveyIndexPage, SurveyPage, UnitArea
from portal.surveys.services import owners_vote_create, survey_submit
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
# Member service also runs activities, the points plan, surveys and owners' votes.
SERVICE_APP_PERMISSIONS = {
    "activities": (
        "view_signup",
        "add_signup",
        "check_in_signup",
        "export_signups",
        "change_experiencesummary",
        "view_experiencesummary",
        "view_activity_plan",
    ),
    "rewards": ("view_pointsplan", "raise_planline", "approve_pointsgrant"),
    "surveys": ("view_survey_results", "view_vote_audit"),
    "cases": ("service_desk",),
    "campaigns": (
        "view_campaign",
        "add_campaign",
        "change_campaign",
        "approve_campaign",
        "view_segment",
        "add_segment",
        "change_segment",
        "export_segment",
    ),
}

# marker -> roles that may read it
SECRETS = {
    "SWEEP-PRIVATE-门牌号": {"author", "moderator", "property"},
    "SWEEP-OWNERS-电梯维保": {"owner_a", "moderator"},
    "SWEEP-PENDING-13912345678": {"author", "moderator"},
    "SWEEP-ATTACHMENT-BYTES": {"author", "moderator", "property"},
    "SWEEP-RATING-态度很差": {"author", "moderator", "design"},
    # An anonymous survey's answer: for the results' readers only (not even its author's name).
    "SWEEP-SURVEY-会所漏水": {"service"},
}
SURVEY_MARKER = "SWEEP-SURVEY-会所漏水"
# An owners' vote of project A: its owners' business (and the staff who run votes).
SECRETS["SWEEP-VOTE-加装连廊"] = {"owner_a", "service"}
# The author's full mobile number: theirs only (staff without the PII right see it masked).
SECRETS["13800138000"] = {"author"}


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
    for app_label, codenames in SERVICE_APP_PERMISSIONS.items():
        service_group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
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

    _activities_build(o, users)
    _rewards_build(o, users, admin)
    _surveys_build(o, users, admin, project_a)
    _campaigns_build(o, users, admin)
    o["follow_up"] = CaseFollowUp.objects.create(case=o["case_design"], kind="callback")
    from forum.insight.models import ImprovementItem

    o["improvement"] = ImprovementItem.objects.create(
        title="地库顶板防水返修", department=departments["property"], created_by=admin
    )
    o["improvement"].cases.add(o["case_property"])

    # Index everything, as the task does after a commit, so the search page has the markers.
    while queue_process()["processed"]:
        pass
    return World(users=users, objects=o)


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _activities_build(o: dict, users: dict) -> None:
    """An activity next week, with the author signed up (with a companion)."""
    home = HomePage.objects.get()
    index = _publish(home, ActivityIndexPage(title="会员活动", slug="sweep-activities"))
    starts = timezone.now() + datetime.timedelta(days=7)
    o["activity"] = _publish(
        index,
        ActivityPage(
            title="茶艺沙龙",
            slug="sweep-tea",
            capacity=10,
            max_companions=2,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place="翠湖天地会所",
            address="上海市翠湖路 1 号",
            city="上海",
            summary="品茶与邻里交流",
        ),
    )
    o["signup"] = activity_sign_up(activity=o["activity"], member=users["author"], companions=1)


def _rewards_build(o: dict, users: dict, admin) -> None:
    """A fulfilment of the author's redemption, a plan line and a grant awaiting approval."""
    outlet = RewardOutlet.objects.create(name="翠湖服务中心", kind="service_centre")
    outlet.staff.add(users["service"])
    o["fulfilment"] = Fulfilment.objects.create(
        request=o["redemption"],
        method="pickup",
        status=Fulfilment.Status.READY,
        code="SWEEPCODE01",
        code_expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    year = timezone.localdate().year
    plan, _created = PointsPlan.objects.get_or_create(year=year, defaults={"name": f"{year} 计划"})
    o["plan_line"], _created = PlanLine.objects.get_or_create(
        plan=plan, category=PointsCategory.values[0], defaults={"budget": 100000}
    )
    o["grant"] = PointsGrant.objects.create(
        line=o["plan_line"], reward_points=50, reason="线下活动补发", created_by=admin
    )
    PointsGrantRecipient.objects.create(grant=o["grant"], member=users["author"])


def _surveys_build(o: dict, users: dict, admin, project_a) -> None:
    """An anonymous survey answered by the author; an owners' vote of project A."""
    home = HomePage.objects.get()
    index = _publish(home, SurveyIndexPage(title="问卷调查", slug="sweep-surveys"))
    o["survey"] = _publish(
        index,
        SurveyPage(
            title="会所满意度",
            slug="sweep-survey",
            anonymous=True,
            closes_at=timezone.now() + datetime.timedelta(days=7),
            questions=[
                {"type": "text", "value": {"key": "say", "label": "意见", "required": True}},
            ],
        ),
    )
    survey_submit(survey=o["survey"], data={"q-say": SURVEY_MARKER}, member=users["author"])
    UnitArea.objects.create(project=project_a, building="1栋", unit="101", area="90")
    o["vote"] = owners_vote_create(
        project=project_a,
        title="SWEEP-VOTE-加装连廊",
        description="在 1 栋与 2 栋之间加装连廊。",
        closes_at=timezone.now() + datetime.timedelta(days=7),
        buildings="1栋",
        by=admin,
    )


def _campaigns_build(o: dict, users: dict, admin) -> None:
    """A segment, a draft campaign by the administrator, the author's links from a mail."""
    o["segment"] = Segment.objects.create(name="上海会员", filters={"cities": ["上海"]})
    o["campaign"] = Campaign.objects.create(
        name="六月月刊", segment=o["segment"], created_by=admin, send_site=True, site_title="月刊"
    )
    o["unsubscribe_token"] = unsubscribe_token(delivery_id=0, member_id=users["author"].pk)
    o["click_token"] = click_token(delivery_id=0, url="https://club.example/june")
