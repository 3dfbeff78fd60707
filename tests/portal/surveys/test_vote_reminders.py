"""Owners' vote reminders (issue 19) through the campaigns' sending: who is reminded (pending
units only, once per member, both owners of a shared unit, never another project's owners or
unverified claims), service-message consent and the owners skipped for want of an address,
the mail as a real SMTP server receives it, SMS through the provider's HTTP API deferred in
quiet hours, the check again at send time, the repeat guard and who may send."""

import datetime
import json
from email.header import decode_header, make_header
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from portal.campaigns.models import Campaign, CampaignError, Delivery
from portal.campaigns.reminders import vote_reminder_send
from portal.campaigns.selectors import vote_pending_owners
from portal.campaigns.sending import campaign_send, campaign_send_batch
from portal.campaigns.services import campaign_cancel
from portal.members.models import MemberProfile, Notice
from portal.members.services import unit_ownership_verify
from tests.factories import UnitOwnershipFactory, UserFactory
from tests.portal.campaigns.conftest import smtp_server  # noqa: F401 (the SMTP server fixture)
from tests.portal.campaigns.test_sms_aliyun import SECRET, Provider, provider  # noqa: F401
from tests.portal.surveys.conftest import cast, own

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
CHANGELIST = "/django-admin/surveys/ownersvote/"


@pytest.fixture
def owners(vote, project_a, project_b, staff_admin):
    """1栋-101 has voted; `two_units` owns 102 and 103; `wife` and `husband` share 104; 105 is
    claimed, not verified; `elsewhere` owns 1栋-106 of the other project; `outside` owns
    2栋-201, which the vote does not cover."""
    made = {
        "voted": own(project_a, "voted", "101", by=staff_admin),
        "two_units": own(project_a, "two_units", "102", by=staff_admin),
        "wife": own(project_a, "wife", "104", by=staff_admin),
        "husband": own(project_a, "husband", "104", by=staff_admin),
        "claim": own(project_a, "claim", "105", by=staff_admin, verify=False),
        "elsewhere": own(project_b, "elsewhere", "106", by=staff_admin),
        "outside": own(project_a, "outside", "201", by=staff_admin, building="2栋"),
    }
    made["second_unit"] = UnitOwnershipFactory(
        member=made["two_units"].member, project=project_a, building="1栋", unit="103"
    )
    unit_ownership_verify(ownership=made["second_unit"], by=staff_admin)
    cast(vote, made["voted"], "同意")
    return made


def recipients():
    """Who received the reminder as a site message."""
    notices = Notice.objects.filter(kind="campaign")
    return sorted(notices.values_list("recipient__username", flat=True))


def sent_to(campaign, channel):
    return sorted(
        Delivery.objects.filter(campaign=campaign, channel=channel, status="sent").values_list(
            "member__username", flat=True
        )
    )


def test_only_verified_owners_of_units_not_voted_are_reminded_once_each(
    vote, owners, staff_admin, django_capture_on_commit_callbacks
):
    pending = vote_pending_owners(vote=vote).values_list("username", flat=True)
    assert sorted(pending) == ["husband", "two_units", "wife"]

    with django_capture_on_commit_callbacks(execute=True):
        reminder = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)

    assert reminder.owners == 3 and reminder.to_send == {"site": 3}
    # two pending units, one message; both owners of a shared unit; nobody else
    assert recipients() == ["husband", "two_units", "wife"]
    notice = Notice.objects.get(recipient__username="wife")
    assert notice.url == f"/surveys/votes/{vote.pk}/"
    assert notice.title == "您的房屋尚未投票：加装连廊"
    assert timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M") in notice.body
    reminder.campaign.refresh_from_db()
    assert reminder.campaign.status == Campaign.Status.SENT
    assert reminder.campaign.kind == Campaign.Kind.SERVICE


def test_closed_accounts_are_not_written_to_but_counted(vote, owners, staff_admin):
    husband = owners["husband"].member
    husband.is_active = False
    husband.save()

    reminder = vote_reminder_send(vote=vote, channels=["site", "sms"], by=staff_admin)

    assert (reminder.owners, reminder.closed_accounts) == (3, 1)
    assert reminder.to_send == {"sms": 0, "site": 2}
    assert reminder.no_address == {"sms": 2, "site": 0}
    assert not Delivery.objects.filter(member=husband).exists()


def test_the_reminder_shows_in_the_campaigns_pages(client, vote, owners, staff_admin):
    reminder = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)
    client.force_login(staff_admin)

    listing = client.get("/campaigns/").content.decode()
    detail = client.get(f"/campaigns/{reminder.campaign.pk}/").content.decode()

    assert "“加装连廊”中尚未投票房屋的业主" in listing
    shown = detail.split('data-testid="campaign-vote"')[1].split("</dd>")[0]
    assert "提醒“加装连廊”中尚未投票房屋的业主" in shown and "站内信 3" in shown
    assert detail.count('data-testid="delivery-row"') == 3


def test_mail_reaches_every_owner_with_an_address_through_smtp(
    vote,
    owners,
    staff_admin,
    smtp_server,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    # A service message: opting out of the club's news does not stop it; having no address does.
    MemberProfile.objects.filter(user=owners["wife"].member).update(notify_club_news=False)
    husband = owners["husband"].member
    husband.email = ""
    husband.save()

    with django_capture_on_commit_callbacks(execute=True):
        reminder = vote_reminder_send(vote=vote, channels=["mail"], by=staff_admin)

    assert reminder.to_send == {"mail": 2} and reminder.no_address == {"mail": 1}
    received = {rcpt[0]: message for rcpt, message in smtp_server.messages}
    assert sorted(received) == ["two_units@example.com", "wife@example.com"]
    message = received["wife@example.com"]
    deadline = timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M")
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == f"业主表决“加装连廊”：请于 {deadline} 前投票"
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    text = _decoded(parts["text/plain"])
    assert text.startswith(f"{owners['wife'].member.public_name}，您好：")
    assert f"翠湖天地的业主表决“加装连廊”将于 {deadline} 截止" in text
    assert f"{settings.SITE_URL}/surveys/votes/{vote.pk}/" in text
    assert "/campaigns/c/" in _decoded(parts["text/html"])  # the vote link is tracked
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    skipped = Delivery.objects.get(member=husband)
    assert (skipped.status, skipped.error) == ("skipped", "no email address")
    reminder.campaign.refresh_from_db()
    assert reminder.campaign.status == Campaign.Status.SENT


def _decoded(part: Message) -> str:
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def test_sms_in_quiet_hours_waits_until_eight_then_goes_through_the_provider(
    vote,
    owners,
    staff_admin,
    settings,
    provider,  # noqa: F811
):
    settings.SMS_URL = (
        f"aliyun://LTAIkey:{SECRET}@127.0.0.1:{provider}"
        "?sign_name=客户会&template=SMS_123456789&protocol=http"
    )
    MemberProfile.objects.filter(user=owners["two_units"].member).update(mobile="13800000001")
    MemberProfile.objects.filter(user=owners["wife"].member).update(
        mobile="13800000002", sms_club_news=False
    )
    tomorrow = timezone.localtime(timezone.now(), SHANGHAI).date() + datetime.timedelta(days=1)
    night = datetime.datetime.combine(tomorrow, datetime.time(22, 30), tzinfo=SHANGHAI)
    eight = datetime.datetime.combine(
        tomorrow + datetime.timedelta(days=1), datetime.time(8), tzinfo=SHANGHAI
    )

    reminder = vote_reminder_send(vote=vote, channels=["sms"], by=staff_admin, now=night)
    counts = campaign_send_batch(campaign=reminder.campaign, channel="sms", worker="w", now=night)

    assert reminder.to_send == {"sms": 2} and reminder.no_address == {"sms": 1}  # husband
    assert counts == {"deferred": 2} and Provider.received == []
    deferred = Delivery.objects.filter(status="deferred")
    assert set(deferred.values_list("next_attempt_at", flat=True)) == {eight}
    counts = campaign_send_batch(campaign=reminder.campaign, channel="sms", worker="w", now=eight)
    assert counts == {"sent": 2}
    texts = {
        p["PhoneNumbers"]: json.loads(p["TemplateParam"])["content"] for p in Provider.received
    }
    assert sorted(texts) == ["13800000001", "13800000002"]
    assert (
        "加装连廊" in texts["13800000002"] and f"/surveys/votes/{vote.pk}/" in texts["13800000002"]
    )
    assert not texts["13800000002"].endswith("回T退订")  # a service message, not marketing


def test_an_owner_whose_units_vote_before_the_send_is_skipped_then(vote, owners, staff_admin):
    reminder = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)
    assert reminder.to_send == {"site": 3}
    cast(vote, owners["wife"], "反对")  # the shared unit has voted: both owners are done
    cast(vote, owners["two_units"], "同意")  # one of two units: still due

    campaign_send(campaign_id=reminder.campaign.pk)

    assert recipients() == ["two_units"]
    skipped = Delivery.objects.filter(status="skipped")
    assert sorted(skipped.values_list("member__username", "error")) == [
        ("husband", "already voted"),
        ("wife", "already voted"),
    ]


def test_deferred_reminders_are_dropped_once_the_vote_closes(vote, owners, staff_admin):
    reminder = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)

    campaign_send_batch(campaign=reminder.campaign, channel="site", worker="w", now=vote.closes_at)

    assert recipients() == []
    assert set(Delivery.objects.values_list("status", "error")) == {("skipped", "vote closed")}


def test_a_second_reminder_on_a_channel_within_a_day_is_refused(vote, owners, staff_admin):
    now = timezone.now()
    first = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin, now=now)

    with translation.override("en"), pytest.raises(CampaignError) as refused:
        vote_reminder_send(
            vote=vote,
            channels=["mail", "site"],
            by=staff_admin,
            now=now + datetime.timedelta(hours=23),
        )
    assert "were reminded by Site message" in str(refused.value)
    later = timezone.localtime(first.campaign.created_at + datetime.timedelta(hours=24))
    assert later.strftime("%Y-%m-%d %H:%M") in str(refused.value)
    assert Campaign.objects.count() == 1
    # another channel at once, the same channel after the interval
    vote_reminder_send(vote=vote, channels=["mail"], by=staff_admin, now=now)
    vote_reminder_send(
        vote=vote,
        channels=["site"],
        by=staff_admin,
        now=now + datetime.timedelta(hours=24, minutes=1),
    )
    assert Campaign.objects.filter(vote=vote).count() == 3


def test_a_cancelled_reminder_does_not_block_the_next(vote, owners, staff_admin):
    first = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)
    campaign_cancel(by=staff_admin, campaign=first.campaign)

    again = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)

    assert again.to_send == {"site": 3}


def test_closed_votes_votes_without_pending_owners_and_no_channel_are_refused(
    vote, owners, staff_admin
):
    with translation.override("en"):
        with pytest.raises(CampaignError, match="Choose at least one channel"):
            vote_reminder_send(vote=vote, channels=[], by=staff_admin)
        with pytest.raises(CampaignError, match="only while the vote runs"):
            vote_reminder_send(vote=vote, channels=["site"], by=staff_admin, now=vote.closes_at)
        for key in ("two_units", "wife"):
            cast(vote, owners[key], "弃权")
        cast(vote, owners["second_unit"], "弃权")
        with pytest.raises(CampaignError, match="nobody to remind"):
            vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)
    assert Campaign.objects.count() == 0


# --- who may send ------------------------------------------------------------------------------


@pytest.fixture
def vote_staff(db):
    """Staff who manage owners' votes (change permission), without being superusers."""
    group = Group.objects.create(name="vote-staff")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="surveys", codename__in=["view_ownersvote", "change_ownersvote"]
        )
    )
    user = UserFactory(username="vote_staff", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def vote_viewer(db):
    user = UserFactory(username="vote_viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_ownersvote"))
    return user


@pytest.fixture
def cms_editor(db):
    user = UserFactory(username="editor")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_only_staff_who_manage_votes_may_send(
    vote, owners, member, cms_editor, vote_viewer, owner_b
):
    for person in (member, cms_editor, vote_viewer, owners["wife"].member, owner_b):
        with pytest.raises(PermissionDenied):
            vote_reminder_send(vote=vote, channels=["site"], by=person)
    assert Campaign.objects.count() == 0 and Notice.objects.count() == 0


def test_admin_action_asks_for_channels_then_reports_what_was_sent(
    client, vote, owners, vote_staff, django_capture_on_commit_callbacks
):
    husband = owners["husband"].member
    husband.email = ""
    husband.save()
    client.force_login(vote_staff)
    chosen = {"action": "remind_owners", "_selected_action": [vote.pk]}

    page = client.post(CHANGELIST, chosen)

    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="vote-remind-reach"' in html
    reach = html.split('data-testid="vote-remind-reach"')[1].split("</table>")[0]
    # owners to remind 3; mail 2 (husband has no address); SMS 0 (no mobiles); site 3
    assert "<td>3</td><td>2</td><td>0</td><td>3</td>" in reach.replace("\n", "")
    assert Campaign.objects.count() == 0  # nothing sent before the channels are confirmed

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(CHANGELIST, {**chosen, "channels": ["mail", "site"], "apply": "1"})

    assert done.status_code == 302
    messages = [str(m) for m in done.wsgi_request._messages]
    # The summary is written when the request ends; the sending follows its commit.
    assert messages == [
        "“加装连廊”：尚未投票房屋的业主 3 位（其中 0 个账户已注销或正在注销，不予发送）。"
        "邮件：已发送 0，待发送 2，失败 0，无联系方式跳过 1；"
        "站内信：已发送 0，待发送 3，失败 0，无联系方式跳过 0。"
    ]
    assert recipients() == ["husband", "two_units", "wife"]
    campaign = Campaign.objects.get()
    assert sent_to(campaign, "mail") == ["two_units", "wife"]
    assert Delivery.objects.get(member=husband, channel="mail").error == "no email address"

    again = client.post(CHANGELIST, {**chosen, "channels": ["site"], "apply": "1"}, follow=True)
    assert "通过站内信提醒过“加装连廊”的业主" in again.content.decode()
    assert Campaign.objects.count() == 1


def test_admin_refuses_visitors_members_editors_and_viewers(
    client, vote, owners, member, cms_editor, vote_viewer
):
    data = {"action": "remind_owners", "_selected_action": [vote.pk], "channels": ["site"]}
    data["apply"] = "1"

    visitor = client.post(CHANGELIST, data)
    assert visitor.status_code == 302 and "/login/" in visitor["Location"]
    for person in (member, cms_editor):
        client.force_login(person)
        response = client.post(CHANGELIST, data)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    client.force_login(vote_viewer)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200 and "remind_owners" not in listing.content.decode()
    client.post(CHANGELIST, data)
    assert Campaign.objects.count() == 0 and Notice.objects.count() == 0
