"""Campaigns from draft to sent: approval by another person, refusals with clear messages,
sending in batches with no duplicate and no gap after a crash, quiet hours, frequency cap,
retries with back-off, consent on every channel."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.utils import timezone

from portal.campaigns import sending
from portal.campaigns.models import Campaign, CampaignError, Delivery
from portal.campaigns.sending import (
    campaign_send,
    campaign_send_batch,
    campaign_start,
    campaigns_due,
    deliveries_claim,
    deliveries_reclaim,
    sms_quiet_until,
)
from portal.campaigns.services import campaign_approve, campaign_submit
from portal.members.models import Notice
from portal.messaging import sms
from tests.portal.campaigns.conftest import campaign_make, member

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def members(levels):
    return [
        member(
            f"m{i:02d}",
            real_name=f"会员{i:02d}",
            level=levels["silver"],
            city="上海",
            mobile=f"138000000{i:02d}",
            sms_club_news=True,
        )
        for i in range(12)
    ]


def approved(campaign, approver):
    """Submit and approve; the approval's after-commit start runs (immediate task backend)."""
    campaign_submit(by=campaign.created_by, campaign=campaign)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return campaign_approve(by=approver, campaign=campaign)


def test_editor_cannot_approve_their_own_campaign(members, editor, approver, everyone_segment):
    editor.groups.first().permissions.add(*approver.groups.first().permissions.all())
    campaign = campaign_make(segment=everyone_segment, editor=editor)
    campaign_submit(by=editor, campaign=campaign)

    with pytest.raises(CampaignError, match="someone other than its editor"):
        campaign_approve(by=editor, campaign=campaign)


def test_approval_needs_the_permission(members, editor, everyone_segment):
    campaign = campaign_make(segment=everyone_segment, editor=editor)
    campaign_submit(by=editor, campaign=campaign)
    with pytest.raises(PermissionDenied):
        campaign_approve(by=members[0], campaign=campaign)


def test_unapproved_campaign_is_never_sent(members, editor, everyone_segment):
    campaign = campaign_make(segment=everyone_segment, editor=editor)
    campaign_submit(by=editor, campaign=campaign)

    campaign_start(campaign_id=campaign.pk)
    campaigns_due()

    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.AWAITING
    assert not Delivery.objects.exists() and mail.outbox == []


def test_empty_segment_is_refused(levels, editor, approver, everyone_segment):
    everyone_segment.filters = {"cities": ["拉萨"]}
    everyone_segment.save()
    campaign = campaign_make(segment=everyone_segment, editor=editor)
    campaign_submit(by=editor, campaign=campaign)

    with pytest.raises(CampaignError, match="reaches nobody"):
        campaign_approve(by=approver, campaign=campaign)


def test_unknown_variable_is_refused_with_its_name(members, editor, everyone_segment):
    campaign = campaign_make(segment=everyone_segment, editor=editor, subject="{nickname}您好")
    with pytest.raises(CampaignError, match=r"Unknown variable \{nickname\}"):
        campaign_submit(by=editor, campaign=campaign)


def test_sms_over_the_accepted_length_is_refused(members, editor, everyone_segment):
    campaign = campaign_make(
        segment=everyone_segment,
        editor=editor,
        send_mail=False,
        send_sms=True,
        sms_text="会" * 70,
        sms_max_segments=1,
    )
    with pytest.raises(CampaignError, match="2 segments long; you accepted at most 1"):
        campaign_submit(by=editor, campaign=campaign)


def test_compose_form_refuses_an_unknown_variable(client, members, editor, everyone_segment):
    client.force_login(editor)
    response = client.post(
        "/campaigns/new/",
        {
            "name": "x",
            "kind": "marketing",
            "segment": everyone_segment.pk,
            "send_site": "on",
            "site_title": "{foo}",
            "sms_max_segments": 1,
            "scheduled_at": "2026-06-08T12:00",
        },
    )
    assert response.status_code == 200
    assert "{foo}" in str(response.context["form"].errors["site_title"])


def test_approved_campaign_sends_every_channel_once(
    members, editor, approver, everyone_segment, settings
):
    settings.SMS_URL = "console://"
    sms.ConsoleSmsBackend.stream = io.StringIO()
    campaign = campaign_make(
        segment=everyone_segment,
        editor=editor,
        send_sms=True,
        send_site=True,
        sms_text="{name}您好，积分{points}",
        sms_max_segments=1,
        site_title="{name}，六月月刊到了",
    )
    try:
        with timezone.override(SHANGHAI):
            approved(campaign, approver)  # the immediate backend sends at once
    finally:
        printed = sms.ConsoleSmsBackend.stream.getvalue()
        sms.ConsoleSmsBackend.stream = None

    campaign.refresh_from_db()
    if sms_quiet_until(timezone.now()) is None:
        assert campaign.status == Campaign.Status.SENT
        assert printed.count("SMS to 138") == 12 and "会员00您好，积分0 回T退订" in printed
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert mail.outbox[0].subject.endswith("，六月会员月刊")
    assert Notice.objects.filter(kind="campaign").count() == 12
    assert Notice.objects.get(recipient=members[3]).title == "会员03，六月月刊到了"

    campaigns_due()  # a rerun sends nothing again
    assert len(mail.outbox) == 12 and Notice.objects.filter(kind="campaign").count() == 12


def test_consent_is_applied_on_every_channel(members, editor, approver, everyone_segment):
    from portal.members.models import MemberProfile

    MemberProfile.objects.filter(user=members[0]).update(notify_club_news=False)
    MemberProfile.objects.filter(user=members[1]).update(sms_club_news=False)
    MemberProfile.objects.filter(user=members[2]).update(notice_club_news=False)
    campaign = campaign_make(
        segment=everyone_segment,
        editor=editor,
        send_sms=True,
        send_site=True,
        sms_text="六月月刊",
        site_title="六月月刊",
        scheduled_at=timezone.now() + datetime.timedelta(days=1),
    )
    approved(campaign, approver)
    campaign_start(campaign_id=campaign.pk, now=timezone.now() + datetime.timedelta(days=1))

    rows = set(Delivery.objects.values_list("member__username", "channel"))
    assert ("m00", "mail") not in rows and ("m00", "sms") in rows
    assert ("m01", "sms") not in rows and ("m01", "mail") in rows
    assert ("m02", "site") not in rows and ("m02", "sms") in rows
    assert len(rows) == 12 * 3 - 3


def test_crash_mid_send_resumes_with_no_duplicate_and_no_gap(
    members, editor, approver, everyone_segment, monkeypatch
):
    campaign = campaign_make(
        segment=everyone_segment,
        editor=editor,
        scheduled_at=timezone.now() + datetime.timedelta(hours=1),
    )
    approved(campaign, approver)
    campaign_start(campaign_id=campaign.pk, now=campaign.scheduled_at)
    real_send = sending.MailSender.send
    calls = {"n": 0}

    def dies_on_the_fifth(self, delivery, values):
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemExit("worker killed")  # not an Exception: nothing in the sender catches it
        return real_send(self, delivery, values)

    monkeypatch.setattr(sending.MailSender, "send", dies_on_the_fifth)
    with pytest.raises(SystemExit):
        campaign_send_batch(campaign=campaign, channel="mail", worker="w1", limit=8)
    assert len(mail.outbox) == 4
    # A worker killed harder (no cleanup) leaves claimed rows behind: simulate that too.
    deliveries_claim(campaign_id=campaign.pk, channel="mail", worker="w-dead", limit=2)
    monkeypatch.setattr(sending.MailSender, "send", real_send)

    campaign_send(campaign_id=campaign.pk)  # the dead worker's claims wait for their lease
    assert Delivery.objects.filter(status="sending", claimed_by="w-dead").count() == 2
    deliveries_reclaim(campaign_id=campaign.pk, lease=0)
    campaign_send(campaign_id=campaign.pk)

    recipients = [m.to[0] for m in mail.outbox]
    assert sorted(recipients) == sorted(m.email for m in members)  # none twice, none skipped
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_sms_in_quiet_hours_is_deferred_to_eight(members, editor, approver, everyone_segment):
    night = datetime.datetime(2027, 6, 8, 22, 30, tzinfo=SHANGHAI)
    campaign = campaign_make(
        segment=everyone_segment,
        editor=editor,
        send_mail=False,
        send_sms=True,
        sms_text="六月月刊",
        scheduled_at=night,
    )
    approved(campaign, approver)
    campaign_start(campaign_id=campaign.pk, now=night)

    counts = campaign_send_batch(campaign=campaign, channel="sms", worker="w", now=night)

    eight = datetime.datetime(2027, 6, 9, 8, 0, tzinfo=SHANGHAI)
    assert counts["deferred"] == 12
    assert set(Delivery.objects.values_list("status", "next_attempt_at")) == {("deferred", eight)}
    assert sms_quiet_until(datetime.datetime(2027, 6, 9, 7, 59, tzinfo=SHANGHAI)) == eight
    assert sms_quiet_until(datetime.datetime(2027, 6, 9, 8, 0, tzinfo=SHANGHAI)) is None
    counts = campaign_send_batch(campaign=campaign, channel="sms", worker="w", now=eight)
    assert counts["sent"] == 12


def test_frequency_cap_skips_members_who_had_enough(
    members, editor, approver, everyone_segment, settings
):
    settings.CAMPAIGN_FREQUENCY_CAP = 2
    for n in range(2):
        approved(campaign_make(segment=everyone_segment, editor=editor, name=f"c{n}"), approver)
    assert len(mail.outbox) == 24
    third = campaign_make(segment=everyone_segment, editor=editor, name="c3")
    approved(third, approver)

    assert len(mail.outbox) == 24
    assert set(third.deliveries.values_list("status", "error")) == {("skipped", "frequency cap")}
    service = campaign_make(
        segment=everyone_segment, editor=editor, name="s", kind=Campaign.Kind.SERVICE
    )
    approved(service, approver)
    assert len(mail.outbox) == 36  # service messages are not capped


def test_failures_retry_with_back_off_then_fail(
    members, editor, approver, everyone_segment, settings
):
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.CAMPAIGN_RETRY_DELAYS = [60, 300]
    start = timezone.now() + datetime.timedelta(hours=1)
    campaign = campaign_make(segment=everyone_segment, editor=editor, scheduled_at=start)
    approved(campaign, approver)
    campaign_start(campaign_id=campaign.pk, now=start)

    campaign_send_batch(campaign=campaign, channel="mail", worker="w", now=start, limit=1)
    delivery = Delivery.objects.filter(attempts=1).get()
    assert delivery.status == "deferred" and "Connection" in delivery.error
    assert delivery.next_attempt_at == start + datetime.timedelta(seconds=60)
    later = start + datetime.timedelta(seconds=61)
    campaign_send_batch(campaign=campaign, channel="mail", worker="w", now=later, limit=1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("deferred", 2)
    assert delivery.next_attempt_at == later + datetime.timedelta(seconds=300)
    campaign_send_batch(
        campaign=campaign,
        channel="mail",
        worker="w",
        now=later + datetime.timedelta(hours=1),
        limit=1,
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)


def test_weekly_campaign_schedules_its_next_occurrence(members, editor, approver, everyone_segment):
    campaign = campaign_make(
        segment=everyone_segment,
        editor=editor,
        repeat="weekly",
        send_mail=False,
        send_site=True,
        site_title="本周关怀",
    )
    approved(campaign, approver)

    campaign.refresh_from_db()
    following = campaign.recurrences.get()
    assert campaign.status == "sent"
    assert following.status == "approved" and following.approved_by == approver
    assert following.scheduled_at == campaign.scheduled_at + datetime.timedelta(days=7)
