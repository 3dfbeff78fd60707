"""Two workers send one campaign at the same time on PostgreSQL: each claims its own batches
(SELECT … FOR UPDATE SKIP LOCKED), every member gets the mail exactly once, and a worker killed
mid-send leaves nothing unsent once its claims are queued again."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from portal.campaigns import sending
from portal.campaigns.models import Campaign, Delivery, Segment
from portal.campaigns.sending import campaign_send, campaign_start, deliveries_reclaim
from portal.members.points import member_levels_ensure
from tests.portal.campaigns.conftest import campaigns_staff, member

pytestmark = pytest.mark.django_db(transaction=True)
N = 60


@pytest.fixture
def campaign(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED between two connections needs PostgreSQL (DATABASE_URL)")
    settings.CAMPAIGN_RATE_PER_SECOND = {"mail": 400, "sms": 0, "site": 0}  # interleave workers
    member_levels_ensure()
    for i in range(N):
        member(f"c{i:03d}", city="并发城")
    editor = campaigns_staff("conc_editor", "add_campaign")
    approver = campaigns_staff("conc_approver", "approve_campaign")
    segment = Segment.objects.create(name="并发", filters={"cities": ["并发城"]})
    campaign = Campaign.objects.create(
        name="并发",
        segment=segment,
        created_by=editor,
        send_mail=True,
        subject="月刊",
        mail_body="本月看点",
        status=Campaign.Status.APPROVED,
        approved_by=approver,
        approved_at=timezone.now(),
        scheduled_at=timezone.now(),
    )
    campaign_start(campaign_id=campaign.pk)
    return campaign


def run_workers(campaign_id, names, errors):
    def work(name):
        try:
            campaign_send(campaign_id=campaign_id, worker=name, batch_size=5)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append((name, exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def test_two_workers_send_each_member_exactly_once(campaign):
    errors = []
    run_workers(campaign.pk, ["w1", "w2"], errors)

    assert errors == []
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == N and len(set(recipients)) == N
    senders = set(Delivery.objects.filter(status="sent").values_list("claimed_by", flat=True))
    assert senders == {"w1", "w2"}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_a_worker_killed_mid_send_leaves_no_gap_and_no_duplicate(campaign, monkeypatch):
    real_send = sending.MailSender.send
    sent_by_doomed = {"n": 0}

    def send(self, delivery, values):
        if threading.current_thread().name == "doomed":
            sent_by_doomed["n"] += 1
            if sent_by_doomed["n"] == 7:
                raise KeyboardInterrupt  # the process is killed mid-batch
        return real_send(self, delivery, values)

    monkeypatch.setattr(sending.MailSender, "send", send)
    errors = []
    doomed = threading.Thread(
        name="doomed",
        target=lambda: run_workers_inline(campaign.pk, "w-doomed", errors),
    )
    doomed.start()
    run_workers(campaign.pk, ["w-healthy"], errors)
    doomed.join(60)
    deliveries_reclaim(campaign_id=campaign.pk, lease=0)
    run_workers(campaign.pk, ["w-after"], errors)

    assert [name for name, _exc in errors] == ["w-doomed"]
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == N and len(set(recipients)) == N


def run_workers_inline(campaign_id, name, errors):
    try:
        campaign_send(campaign_id=campaign_id, worker=name, batch_size=5)
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        errors.append((name, exc))
    finally:
        connections.close_all()
