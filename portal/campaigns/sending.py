"""Sending a campaign: resumable, throttled, in batches, with no duplicate and no gap.

1. **Start.** An approved campaign whose time has come moves to *sending* and writes one
   :class:`Delivery` row per (member, channel) its segment reaches with consent. The unique key
   makes this rerunnable: after a crash it adds only the rows still missing; ``prepared_at``
   marks the list complete, and a campaign never finishes before it is.
2. **Claim.** A worker takes a batch of due rows with ``SELECT … FOR UPDATE SKIP LOCKED`` (on
   PostgreSQL; SQLite serialises writers anyway) and marks them *sending* under its name, so two
   workers never take the same row.
3. **Send.** Each row is sent and its outcome written at once (autocommit): *sent*, *deferred*
   (a retry after back-off, or SMS quiet hours) or *failed* with the error. A worker that dies
   leaves its unfinished claims as *sending*; after ``CAMPAIGN_CLAIM_LEASE_SECONDS`` they are
   queued again. Only a message the provider accepted in the instant before the crash, whose
   outcome was not yet written, can go twice.
4. **Finish.** When the list is complete and no row is queued, deferred or being sent, the
   campaign is *sent* (and a repeating one schedules its next occurrence).
"""

import datetime
import logging
import time
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.campaigns.content import (
    UNSUBSCRIBE_PLACEHOLDER,
    links_tracked,
    mail_body_html,
    sms_text_for,
    template_render,
    unsubscribe_url,
)
from portal.campaigns.models import Campaign, Channel, Delivery
from portal.campaigns.recurrence import campaign_next_occurrence
from portal.campaigns.selectors import campaign_recipients, vote_reminder_still_due
from portal.members.models import PointsEntry
from portal.members.notices import notice_send
from portal.messaging.sms import SmsError, sms_segments, sms_send

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
PENDING = (Delivery.Status.QUEUED, Delivery.Status.DEFERRED, Delivery.Status.SENDING)


def _setting(name: str, default):
    return getattr(settings, name, default)


class PermanentError(Exception):
    """This member cannot get this message (no address, too long): failed, not retried."""


# --- time: quiet hours, throttle, back-off ------------------------------------------------------


def sms_quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """Inside SMS quiet hours (21:00–08:00 local by default): when they end; else None."""
    start, end = _setting("CAMPAIGN_SMS_QUIET_HOURS", (21, 8))
    local = timezone.localtime(now)
    if start <= local.hour or local.hour < end:
        day = local.date() if local.hour < end else local.date() + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time(end), tzinfo=local.tzinfo)
    return None


class Throttle:
    """At most ``rate`` sends per second from this worker (0: no limit)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


def retry_delays() -> tuple[int, ...]:
    return tuple(_setting("CAMPAIGN_RETRY_DELAYS", (60, 300, 1800, 7200)))


# --- channels ---------------------------------------------------------------------------------


class MailSender:
    """One SMTP connection per batch; HTML and plain parts, one-click unsubscribe headers."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        if campaign.newsletter_id:
            page = campaign.newsletter.specific
            self.html = page.mail_html(unsubscribe_url=UNSUBSCRIBE_PLACEHOLDER)
            self.text = page.mail_text(unsubscribe_url=UNSUBSCRIBE_PLACEHOLDER)
        else:
            self.html = self.text = None
        self.connection = get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False)

    def _open(self) -> None:
        # One connection for the batch, opened by the first send (whose failure is a retry).
        if getattr(self.connection, "connection", True) is None:
            self.connection.open()

    def send(self, delivery: Delivery, values: dict) -> None:
        member = delivery.member
        if not member.email:
            raise PermanentError("no email address")
        self._open()
        unsubscribe = unsubscribe_url(delivery_id=delivery.pk, member_id=member.pk)
        footer = _("Unsubscribe from the club's news: %(url)s") % {"url": unsubscribe}
        if self.html is None:
            body = template_render(self.campaign.mail_body, values)
            text = f"{body}\n\n--\n{footer}\n"
            link = f'<a href="{UNSUBSCRIBE_PLACEHOLDER}">{escape(_("Unsubscribe"))}</a>'
            html = mail_body_html(body) + f'<p style="font-size:12px;color:#888">{link}</p>'

        else:
            text, html = self.text, self.html
        html = links_tracked(html, delivery_id=delivery.pk)
        message = EmailMultiAlternatives(
            subject=template_render(self.campaign.subject, values),
            body=text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe),
            to=[member.email],
            connection=self.connection,
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe), "text/html")
        message.send()

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # a dead connection has nothing left to close
            logger.debug("closing the SMTP connection failed", exc_info=True)


class SmsSender:
    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.marketing = campaign.kind == Campaign.Kind.MARKETING

    def send(self, delivery: Delivery, values: dict) -> None:
        mobile = delivery.member.member_profile.mobile
        if not mobile:
            raise PermanentError("no mobile number")
        text = sms_text_for(text=self.campaign.sms_text, values=values, marketing=self.marketing)
        if sms_segments(text) > self.campaign.sms_max_segments:
            accepted = self.campaign.sms_max_segments
            raise PermanentError(
                f"{sms_segments(text)} segments, more than the {accepted} accepted"
            )
        try:
            sms_send(mobile=mobile, text=text)
        except SmsError as exc:
            if not exc.retryable:
                raise PermanentError(str(exc)) from exc
            raise

    def close(self) -> None:
        pass


class SiteSender:
    def __init__(self, campaign: Campaign):
        self.campaign = campaign

    def send(self, delivery: Delivery, values: dict) -> None:
        notice_send(
            recipient=delivery.member,
            kind="campaign",
            title=template_render(self.campaign.site_title, values),
            body=template_render(self.campaign.site_body, values),
            url=self.campaign.link,
        )

    def close(self) -> None:
        pass


SENDERS = {Channel.MAIL: MailSender, Channel.SMS: SmsSender, Channel.SITE: SiteSender}


# --- start ------------------------------------------------------------------------------------


def campaign_start(*, campaign_id: int, now=None) -> Campaign | None:
    """Move a due approved campaign to sending and list its recipients (rerunnable)."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None:
            return None
        if campaign.status == Campaign.Status.APPROVED and campaign.scheduled_at <= now:
            campaign.set_status(Campaign.Status.SENDING)
            campaign.started_at = now
            campaign.save(update_fields=["status", "started_at"])
    if campaign.status == Campaign.Status.SENDING and campaign.prepared_at is None:
        deliveries_prepare(campaign=campaign, now=now)
    return campaign


def deliveries_prepare(*, campaign: Campaign, now=None, chunk: int = 5000) -> int:
    """Write the recipients' rows in chunks; rows already there stay as they are."""
    written = 0
    for channel in campaign.channels:
        member_ids = (
            campaign_recipients(campaign=campaign, channel=channel)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = []
        for member_id in member_ids.iterator(chunk_size=chunk):
            rows.append(Delivery(campaign=campaign, member_id=member_id, channel=channel))
            if len(rows) >= chunk:
                Delivery.objects.bulk_create(rows, ignore_conflicts=True)
                written += len(rows)
                rows = []
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
    Campaign.objects.filter(pk=campaign.pk).update(prepared_at=now or timezone.now())
    campaign.prepared_at = now or timezone.now()
    return written


# --- claim and send ---------------------------------------------------------------------------


def deliveries_claim(
    *, campaign_id: int, channel: str, worker: str, limit: int = BATCH_SIZE, now=None
) -> list[int]:
    """Take up to ``limit`` due rows for this worker; no other worker gets them."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(
            campaign_id=campaign_id,
            channel=channel,
            status__in=[Delivery.Status.QUEUED, Delivery.Status.DEFERRED],
            next_attempt_at__lte=now,
        ).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                status=Delivery.Status.SENDING, claimed_by=worker[:40], claimed_at=now
            )
    return ids


def deliveries_reclaim(
    *, campaign_id: int | None = None, now=None, lease: int | None = None
) -> int:
    """Queue again the claims of workers that died (older than the lease)."""
    now = now or timezone.now()
    lease = _setting("CAMPAIGN_CLAIM_LEASE_SECONDS", 600) if lease is None else lease
    stale = Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lte=now - datetime.timedelta(seconds=lease)
    )
    if campaign_id is not None:
        stale = stale.filter(campaign_id=campaign_id)
    return stale.update(status=Delivery.Status.QUEUED, claimed_by="", claimed_at=None)


def _sms_defer(*, campaign_id: int, until: datetime.datetime) -> int:
    return Delivery.objects.filter(
        campaign_id=campaign_id,
        channel=Channel.SMS,
        status__in=[Delivery.Status.QUEUED, Delivery.Status.DEFERRED],
        next_attempt_at__lt=until,
    ).update(status=Delivery.Status.DEFERRED, next_attempt_at=until, error="quiet hours")


def _values_for(deliveries: list[Delivery], campaign: Campaign) -> dict[int, dict]:
    texts = " ".join(
        [
            campaign.subject,
            campaign.mail_body,
            campaign.sms_text,
            campaign.site_title,
            campaign.site_body,
        ]
    )
    points = {}
    if "{points}" in texts:
        points = dict(
            PointsEntry.objects.filter(
                member_id__in=[d.member_id for d in deliveries],
                ledger=PointsEntry.Ledger.REWARD,
            )
            .values_list("member_id")
            .annotate(total=Sum("amount"))
        )
    values = {}
    for delivery in deliveries:
        member = delivery.member
        profile = member.member_profile
        values[delivery.pk] = {
            "name": profile.real_name or member.public_name,
            "level": profile.level.name if profile.level else "",
            "points": str(points.get(member.pk, 0)),
            "activity_time": campaign.activity_time,
        }
    return values


def _capped_members(deliveries: list[Delivery], campaign: Campaign, now) -> set[int]:
    """Members who already got the most marketing campaigns the cap allows in its window."""
    cap = _setting("CAMPAIGN_FREQUENCY_CAP", 3)
    if campaign.kind != Campaign.Kind.MARKETING or not cap:
        return set()
    since = now - datetime.timedelta(days=_setting("CAMPAIGN_FREQUENCY_DAYS", 7))
    rows = (
        Delivery.objects.filter(
            member_id__in=[d.member_id for d in deliveries],
            status=Delivery.Status.SENT,
            sent_at__gte=since,
            campaign__kind=Campaign.Kind.MARKETING,
        )
        .exclude(campaign=campaign)
        .values("member_id")
        .annotate(campaigns=Count("campaign_id", distinct=True))
        .filter(campaigns__gte=cap)
    )
    return {row["member_id"] for row in rows}


def _reminder_no_longer_due(deliveries: list[Delivery], campaign: Campaign, now) -> dict:
    """An owners' vote reminder is checked again when it is sent (a deferred SMS may go out
    the next morning): member id -> why it is skipped, for those whose units have all voted
    meanwhile, who are no longer verified owners, or when the vote has closed."""
    if not campaign.vote_id:
        return {}
    member_ids = {d.member_id for d in deliveries}
    if not campaign.vote.is_open(now):
        return dict.fromkeys(member_ids, "vote closed")
    due = vote_reminder_still_due(campaign=campaign, member_ids=member_ids)
    return dict.fromkeys(member_ids - due, "already voted")


def _outcome(pk: int, **fields) -> None:
    # claimed_by stays: the log shows which worker sent (or tried) each message.
    Delivery.objects.filter(pk=pk).update(claimed_at=None, **fields)


def campaign_send_batch(
    *,
    campaign: Campaign,
    channel: str,
    worker: str,
    limit: int = BATCH_SIZE,
    now=None,
    throttle: Throttle | None = None,
) -> dict[str, int]:
    """Claim one batch of this channel and send it; returns counts by outcome."""
    now = now or timezone.now()
    counts: dict[str, int] = defaultdict(int)
    if channel == Channel.SMS:
        until = sms_quiet_until(now)
        if until is not None:
            counts["deferred"] += _sms_defer(campaign_id=campaign.pk, until=until)
            return counts
    ids = deliveries_claim(
        campaign_id=campaign.pk, channel=channel, worker=worker, limit=limit, now=now
    )
    if not ids:
        return counts
    deliveries = list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("member", "member__member_profile", "member__member_profile__level")
        .order_by("pk")
    )
    values = _values_for(deliveries, campaign)
    capped = _capped_members(deliveries, campaign, now)
    not_due = _reminder_no_longer_due(deliveries, campaign, now)
    throttle = throttle or Throttle(_setting("CAMPAIGN_RATE_PER_SECOND", {}).get(channel, 0))
    sender = None
    try:
        sender = SENDERS[channel](campaign)
        for delivery in deliveries:
            if delivery.member_id in capped:
                _outcome(delivery.pk, status=Delivery.Status.SKIPPED, error="frequency cap")
                counts["skipped"] += 1
                continue
            if delivery.member_id in not_due:
                _outcome(
                    delivery.pk, status=Delivery.Status.SKIPPED, error=not_due[delivery.member_id]
                )
                counts["skipped"] += 1
                continue
            throttle.wait()
            attempts = delivery.attempts + 1
            try:
                sender.send(delivery, values[delivery.pk])
            except PermanentError as exc:
                _outcome(
                    delivery.pk,
                    status=Delivery.Status.FAILED,
                    attempts=attempts,
                    error=str(exc)[:500],
                )
                counts["failed"] += 1
            except Exception as exc:  # SMTP down, provider refused, timeouts: try again later
                delays = retry_delays()
                error = f"{exc.__class__.__name__}: {exc}"[:500]
                if attempts > len(delays):
                    _outcome(
                        delivery.pk, status=Delivery.Status.FAILED, attempts=attempts, error=error
                    )
                    counts["failed"] += 1
                else:
                    _outcome(
                        delivery.pk,
                        status=Delivery.Status.DEFERRED,
                        attempts=attempts,
                        error=error,
                        next_attempt_at=now + datetime.timedelta(seconds=delays[attempts - 1]),
                    )
                    counts["deferred"] += 1
                if channel == Channel.MAIL and attempts <= len(retry_delays()):
                    # The connection may be what broke: a fresh one for the rest of the batch.
                    sender.close()
                    sender = SENDERS[channel](campaign)
            else:
                _outcome(
                    delivery.pk,
                    status=Delivery.Status.SENT,
                    attempts=attempts,
                    error="",
                    sent_at=timezone.now(),
                )
                counts["sent"] += 1
    finally:
        if sender is not None:
            sender.close()
        # Rows claimed but not reached (the sender could not even start): back in the queue.
        Delivery.objects.filter(
            pk__in=ids, status=Delivery.Status.SENDING, claimed_by=worker[:40]
        ).update(status=Delivery.Status.QUEUED, claimed_by="", claimed_at=None)
    return counts


def campaign_send(
    *,
    campaign_id: int,
    worker: str | None = None,
    time_budget: float | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict[str, int]:
    """Send batches of every channel until nothing is due (or the time budget is spent)."""
    worker = worker or uuid.uuid4().hex[:12]
    totals: dict[str, int] = defaultdict(int)
    campaign = Campaign.objects.filter(pk=campaign_id).select_related("segment", "vote").first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return totals
    started = time.monotonic()
    throttles = {
        channel: Throttle(_setting("CAMPAIGN_RATE_PER_SECOND", {}).get(channel, 0))
        for channel in campaign.channels
    }
    active = list(campaign.channels)
    while active:
        for channel in list(active):
            counts = campaign_send_batch(
                campaign=campaign,
                channel=channel,
                worker=worker,
                limit=batch_size,
                throttle=throttles[channel],
            )
            if not counts or set(counts) == {"deferred"} and channel == Channel.SMS:
                active.remove(channel)
            for key, value in counts.items():
                totals[key] += value
        if not Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).exists():
            break  # cancelled meanwhile
        if time_budget is not None and time.monotonic() - started > time_budget:
            break
    campaign_finish_if_done(campaign_id=campaign_id)
    return totals


def campaign_finish_if_done(*, campaign_id: int, now=None) -> bool:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.status != Campaign.Status.SENDING:
            return False
        if campaign.prepared_at is None:
            return False
        if Delivery.objects.filter(campaign_id=campaign_id, status__in=PENDING).exists():
            return False
        campaign.set_status(Campaign.Status.SENT)
        campaign.finished_at = now or timezone.now()
        campaign.save(update_fields=["status", "finished_at"])
        campaign_next_occurrence(campaign=campaign)
    return True


def campaigns_due(*, now=None) -> dict[str, int]:
    """The periodic pass (``campaigns_send``): start what is due, requeue dead workers' claims,
    send what is due, finish what is done."""
    now = now or timezone.now()
    result = {"started": 0, "reclaimed": 0, "sent": 0, "failed": 0, "deferred": 0, "skipped": 0}
    for campaign_id in Campaign.objects.filter(
        status=Campaign.Status.APPROVED, scheduled_at__lte=now
    ).values_list("pk", flat=True):
        campaign_start(campaign_id=campaign_id, now=now)
        result["started"] += 1
    result["reclaimed"] = deliveries_reclaim(now=now)
    sending = Campaign.objects.filter(status=Campaign.Status.SENDING)
    for campaign in sending.filter(prepared_at__isnull=True):
        deliveries_prepare(campaign=campaign, now=now)
    for campaign_id in (
        sending.filter(
            Q(
                deliveries__status__in=[Delivery.Status.QUEUED, Delivery.Status.DEFERRED],
                deliveries__next_attempt_at__lte=now,
            )
            | Q(deliveries__isnull=True)
        )
        .distinct()
        .values_list("pk", flat=True)
    ):
        for key, value in campaign_send(campaign_id=campaign_id).items():
            result[key] = result.get(key, 0) + value
    for campaign_id in sending.values_list("pk", flat=True):
        campaign_finish_if_done(campaign_id=campaign_id, now=now)
    return result
