"""Owners' vote reminders (issue 19): the verified owners of a vote's units that have not voted
yet, reminded by mail, SMS and/or site message through the campaigns pipeline.

A reminder is a campaign of kind *service* tied to the vote (``Campaign.vote``) instead of a
segment; it is sent like every other campaign (``sending.py``: delivery rows, resumable
batches, retries, SMS quiet hours, the mail's one-click unsubscribe and tracked links).

- **Consent.** A reminder concerns a right the owner holds (their unit's ballot), not the
  club's news: like other service messages (``selectors.channel_consent``) it reaches every
  owner with an address on the channel, whatever their club-news preferences (those govern
  marketing). Owners without an email address or mobile number are written to the log as
  *skipped* ("no email address", "no mobile number") so the count shows who was not reached;
  closed, anonymised and leaving accounts are never written to.
- **Recipients.** Verified owners (``UnitOwnership`` VERIFIED, the vote's project) of units
  without a ballot, each once. The list is taken when the staff member sends, and checked
  again for each message when it is sent: a member whose units have all voted meanwhile (or
  who is no longer a verified owner), or any member once the vote has closed, is skipped.
- **Repeats.** A channel that already carried a reminder for the vote within
  ``VOTE_REMINDER_INTERVAL_HOURS`` (24 by default) is refused with the time it may be used
  again; cancelled reminders do not count.
- **Who.** Staff who may change owners' votes (``surveys.change_ownersvote``); no second
  approval, as the text is the system's, not an editor's.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.campaigns.content import site_url
from portal.campaigns.models import Campaign, CampaignError, Channel, Delivery
from portal.campaigns.selectors import _members_base, channel_consent, vote_pending_owners
from portal.campaigns.sending import deliveries_prepare
from portal.members.models import User
from portal.messaging.sms import sms_segments
from portal.surveys.models import OwnersVote

REMIND_PERMISSION = "surveys.change_ownersvote"
NO_ADDRESS = {Channel.MAIL: "no email address", Channel.SMS: "no mobile number"}


@dataclass
class VoteReminder:
    """What one reminder did when it was sent: per channel, how many messages were written to
    be sent and how many owners were skipped for want of an address."""

    campaign: Campaign
    owners: int = 0
    closed_accounts: int = 0
    to_send: dict[str, int] = field(default_factory=dict)
    no_address: dict[str, int] = field(default_factory=dict)


def vote_reminder_interval() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "VOTE_REMINDER_INTERVAL_HOURS", 24))


def _literal(text: str) -> str:
    """Text put into a campaign template as it is (its braces are not variables)."""
    return text.replace("{", "{{").replace("}", "}}")


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def vote_reminder_texts(*, vote: OwnersVote) -> dict[str, str]:
    """The reminder's texts in the site's language (Simplified Chinese): the vote's title, its
    deadline and the link to the vote page. ``{name}`` is the campaigns' template variable."""
    path = reverse("vote_detail", args=[vote.pk])
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "title": _literal(vote.title),
            "project": _literal(vote.project.name),
            "deadline": _when(vote.closes_at),
            "url": _literal(site_url(path)),
        }
        return {
            "name": (_("Owners' vote reminder: %(title)s") % {"title": vote.title})[:120],
            "subject": _("Owners' vote “%(title)s”: please vote by %(deadline)s") % values,
            "mail_body": _(
                "Dear {name},\n\nThe owners' vote “%(title)s” of %(project)s closes at "
                "%(deadline)s, and a unit you own has not voted yet. Each unit has one ballot, "
                "cast by any of its verified owners.\n\nVote here:\n%(url)s\n"
            )
            % values,
            "sms_text": _(
                "%(project)s owners' vote “%(title)s” closes at %(deadline)s; a unit you own "
                "has not voted yet. Vote at %(url)s"
            )
            % values,
            "site_title": _("Your unit has not voted yet: %(title)s") % values,
            "site_body": _(
                "The vote closes at %(deadline)s. Each unit has one ballot, cast by any of its "
                "verified owners."
            )
            % values,
            "link": path,
        }


def vote_reminder_refusal(*, vote: OwnersVote, channels: list[str], now=None) -> str:
    """Why a reminder on these channels cannot go now ("" when it can)."""
    now = now or timezone.now()
    if not channels:
        return _("Choose at least one channel.")
    if not vote.is_open(now):
        return _("“%(title)s” is not open: owners can be reminded only while the vote runs.") % {
            "title": vote.title
        }
    if not vote_pending_owners(vote=vote).exists():
        return _(
            "Every unit of “%(title)s” owned by a verified owner has voted: nobody to remind."
        ) % {"title": vote.title}
    since = now - vote_reminder_interval()
    recent = (
        Campaign.objects.filter(vote=vote, created_at__gt=since)
        .exclude(status=Campaign.Status.CANCELLED)
        .order_by("-created_at")
    )
    for reminder in recent:
        repeated = [channel for channel in channels if channel in reminder.channels]
        if repeated:
            return _(
                "The owners of “%(title)s” were reminded by %(channels)s at %(time)s; another "
                "reminder on that channel is possible from %(next)s."
            ) % {
                "title": vote.title,
                "channels": "、".join(str(Channel(channel).label) for channel in repeated),
                "time": _when(reminder.created_at),
                "next": _when(reminder.created_at + vote_reminder_interval()),
            }
    return ""


@transaction.atomic
def vote_reminder_send(*, vote: OwnersVote, channels, by: User, now=None) -> VoteReminder:
    """Remind the owners of the vote's units without a ballot on these channels; raises
    ``PermissionDenied`` or ``CampaignError`` (with the reason) and then sends nothing.

    The recipients are written now (in this transaction); the messages go after it commits
    (``campaign_start_task``: at once with the in-process task backend, by the workers
    otherwise), SMS in quiet hours wait until they end."""
    if not by.has_perm(REMIND_PERMISSION):
        raise PermissionDenied(_("You may not remind the owners of a vote."))
    now = now or timezone.now()
    chosen = set(channels)
    channels = [channel for channel in Channel.values if channel in chosen]
    # Two staff members sending the same reminder at once: the second waits, then is refused.
    vote = OwnersVote.objects.select_for_update().select_related("project").get(pk=vote.pk)
    refusal = vote_reminder_refusal(vote=vote, channels=channels, now=now)
    if refusal:
        raise CampaignError(refusal)
    texts = vote_reminder_texts(vote=vote)
    campaign = Campaign(
        kind=Campaign.Kind.SERVICE,
        vote=vote,
        send_mail=Channel.MAIL in channels,
        send_sms=Channel.SMS in channels,
        send_site=Channel.SITE in channels,
        sms_max_segments=sms_segments(texts["sms_text"]),
        scheduled_at=now,
        status=Campaign.Status.SENDING,
        created_by=by,
        approved_by=by,
        approved_at=now,
        started_at=now,
        created_at=now,
        **texts,
    )
    campaign.full_clean()
    campaign.save()
    owners = vote_pending_owners(vote=vote)
    writable = _members_base().filter(pk__in=owners)
    result = VoteReminder(campaign=campaign, owners=owners.count())
    result.closed_accounts = result.owners - writable.count()
    for channel in channels:
        if channel not in NO_ADDRESS:
            continue
        skipped = [
            Delivery(
                campaign=campaign,
                member_id=member_id,
                channel=channel,
                status=Delivery.Status.SKIPPED,
                error=NO_ADDRESS[channel],
            )
            for member_id in writable.exclude(
                channel_consent(channel=channel, kind=campaign.kind)
            ).values_list("pk", flat=True)
        ]
        Delivery.objects.bulk_create(skipped, ignore_conflicts=True)
        result.no_address[channel] = len(skipped)
    deliveries_prepare(campaign=campaign, now=now)
    queued = Delivery.objects.filter(campaign=campaign, status=Delivery.Status.QUEUED)
    for channel in channels:
        result.to_send[channel] = queued.filter(channel=channel).count()
        result.no_address.setdefault(channel, 0)
    transaction.on_commit(lambda: _start(campaign.pk))
    return result


def _start(campaign_id: int) -> None:
    from portal.campaigns.tasks import campaign_start_task

    campaign_start_task.enqueue(campaign_id=campaign_id)
