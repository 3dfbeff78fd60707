import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation

from portal.campaigns.models import Campaign, Segment
from portal.members.models import MemberLevel, MemberProfile, PointsRule
from portal.members.profiles import member_profile_ensure
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched in English; a request before (zh-hans by default) must not leak."""
    translation.activate("en")
    yield
    translation.deactivate()


EDITOR_PERMS = (
    "view_campaign",
    "add_campaign",
    "change_campaign",
    "view_segment",
    "add_segment",
    "change_segment",
)


def campaigns_staff(username: str, *codenames: str):
    group, _created = Group.objects.get_or_create(name=f"campaigns-{username}")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="campaigns", codename__in=codenames)
    )
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def editor(db):
    return campaigns_staff("c_editor", *EDITOR_PERMS)


@pytest.fixture
def approver(db):
    return campaigns_staff("c_approver", "view_campaign", "approve_campaign", "view_segment")


def member(username: str, **profile_fields):
    user = UserFactory(username=username)
    member_profile_ensure(user=user)
    if profile_fields:
        MemberProfile.objects.filter(user=user).update(**profile_fields)
    return user


@pytest.fixture
def levels(db):
    from portal.members.points import member_levels_ensure

    member_levels_ensure()
    return {level.code: level for level in MemberLevel.objects.all()}


@pytest.fixture
def everyone_segment(db):
    return Segment.objects.create(name="上海会员", filters={"cities": ["上海"]})


def campaign_make(*, segment, editor, **fields) -> Campaign:
    defaults = {
        "name": "六月会员月刊",
        "kind": Campaign.Kind.MARKETING,
        "send_mail": True,
        "subject": "{name}，六月会员月刊",
        "mail_body": "亲爱的{name}，您是{level}会员。详情 https://club.example/june",
        "scheduled_at": timezone.now(),
    }
    defaults.update(fields)
    return Campaign.objects.create(segment=segment, created_by=editor, **defaults)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free port; campaigns deliver to it."""
    port = free_port()
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def birthday_rule(levels):
    """The `birthday` points event paying 200 points, once a year, to 银卡 members."""
    rule = PointsRule(
        code="birthday_gift",
        event="birthday",
        name="生日礼遇",
        reward_points=200,
        max_times=1,
        cap_period=PointsRule.CapPeriod.YEAR,
    )
    rule.full_clean()
    rule.save()
    rule.levels.add(levels["silver"])
    return rule
