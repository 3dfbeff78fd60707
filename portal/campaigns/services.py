"""Writes: segments, a campaign's way from draft to sent, unsubscribes and clicks.

Sending itself (claiming recipients, channels, throttles, quiet hours) is ``sending.py``.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.campaigns.content import (
    TemplateTextError,
    sms_sample_segments,
    template_variables_check,
)
from portal.campaigns.models import Campaign, CampaignError, Channel, Click, Delivery, Segment
from portal.campaigns.selectors import campaign_reach, segment_members
from portal.members.exports import csv_writer
from portal.members.models import MemberProfile, User
from portal.members.privacy import (
    PII_PERMISSION,
    mask_email,
    mask_mobile,
    mask_name,
    pii_access_log,
)

SEGMENT_PERMISSION = "campaigns.change_segment"
EXPORT_PERMISSION = "campaigns.export_segment"
COMPOSE_PERMISSION = "campaigns.add_campaign"
APPROVE_PERMISSION = "campaigns.approve_campaign"


@transaction.atomic
def segment_save(
    *, by: User, name: str, filters: dict, description: str = "", segment: Segment | None = None
) -> Segment:
    if not (
        by.has_perm(SEGMENT_PERMISSION)
        or (segment is None and by.has_perm("campaigns.add_segment"))
    ):
        raise PermissionDenied(_("You may not edit segments."))
    segment = segment or Segment(created_by=by)
    segment.name, segment.description, segment.filters = name, description, filters
    segment.updated_at = timezone.now()
    segment.full_clean()
    segment.save()
    return segment


def segment_export(*, by: User, segment: Segment, stream) -> int:
    """Write the segment's members as CSV; each is logged as personal-data access."""
    if not by.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied(_("You may not export segments."))
    writer = csv_writer(stream)
    writer.writerow(["member_number", "username", "real_name", "email", "mobile", "city", "level"])
    members = segment_members(filters=segment.filters).select_related(
        "member_profile", "member_profile__level"
    )
    exported = 0
    batch = []
    # Staff without the personal-data right get the list masked, as on the member pages.
    unmasked = by.has_perm(PII_PERMISSION)
    for member in members.order_by("pk").iterator(chunk_size=2000):
        profile = member.member_profile
        if not unmasked:
            profile.real_name = mask_name(profile.real_name)
            profile.mobile = mask_mobile(profile.mobile)
            member.email = mask_email(member.email)
        writer.writerow(
            [
                profile.member_number,
                member.username,
                profile.real_name,
                member.email,
                profile.mobile or "",
                profile.city,
                profile.level.name if profile.level else "",
            ]
        )
        batch.append(member)
        if len(batch) >= 2000:
            exported += pii_access_log(staff=by, members=batch, what=f"segment export: {segment}")
            batch = []
    exported += pii_access_log(staff=by, members=batch, what=f"segment export: {segment}")
    return exported


def campaign_problems(*, campaign: Campaign) -> list[str]:
    """Why this campaign cannot be approved or sent as it is (empty when it can)."""
    problems = []
    channels = campaign.channels
    if not channels:
        problems.append(_("Choose at least one channel."))
    texts = [
        ("subject", campaign.subject),
        ("mail_body", campaign.mail_body),
        ("sms_text", campaign.sms_text),
        ("site_title", campaign.site_title),
        ("site_body", campaign.site_body),
    ]
    for _field, text in texts:
        try:
            template_variables_check(text)
        except TemplateTextError as exc:
            problems.append(str(exc))
    if Channel.MAIL in channels:
        if not campaign.subject.strip():
            problems.append(_("A mail needs a subject."))
        if campaign.newsletter_id is None and not campaign.mail_body.strip():
            problems.append(_("A mail needs a newsletter or a text."))
    if Channel.SMS in channels:
        if not campaign.sms_text.strip():
            problems.append(_("An SMS needs a text."))
        else:
            try:
                segments = sms_sample_segments(
                    text=campaign.sms_text,
                    activity_time=campaign.activity_time,
                    marketing=campaign.kind == Campaign.Kind.MARKETING,
                )
            except TemplateTextError:
                segments = 0
            if segments > campaign.sms_max_segments:
                problems.append(
                    _("The SMS is %(n)d segments long; you accepted at most %(max)d.")
                    % {"n": segments, "max": campaign.sms_max_segments}
                )
    if Channel.SITE in channels and not campaign.site_title.strip():
        problems.append(_("A site message needs a title."))
    return problems


def campaign_reachable(*, campaign: Campaign) -> int:
    reach = campaign_reach(campaign=campaign)
    return sum(reach[channel] for channel in campaign.channels)


@transaction.atomic
def campaign_save(*, by: User, campaign: Campaign) -> Campaign:
    """The editor's save: only a draft changes; anything else goes back to draft first."""
    if not by.has_perm(COMPOSE_PERMISSION):
        raise PermissionDenied(_("You may not compose campaigns."))
    if campaign.pk is None:
        campaign.created_by = by
    elif Campaign.objects.get(pk=campaign.pk).status != Campaign.Status.DRAFT:
        raise CampaignError(_("Only a draft can be changed; send it back to draft first."))
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_submit(*, by: User, campaign: Campaign) -> Campaign:
    problems = campaign_problems(campaign=campaign)
    if problems:
        raise CampaignError(" ".join(problems))
    campaign.set_status(Campaign.Status.AWAITING)
    campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def campaign_approve(*, by: User, campaign: Campaign, now=None) -> Campaign:
    """A second person approves; the checks run again on what will really be sent."""
    if not by.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(_("You may not approve campaigns."))
    if by.pk == campaign.created_by_id:
        raise CampaignError(_("A campaign is approved by someone other than its editor."))
    if campaign.status != Campaign.Status.AWAITING:
        raise CampaignError(_("Only a campaign awaiting approval can be approved."))
    problems = campaign_problems(campaign=campaign)
    if problems:
        raise CampaignError(" ".join(problems))
    if campaign_reachable(campaign=campaign) == 0:
        raise CampaignError(
            _("The segment reaches nobody on the chosen channels; nothing would be sent.")
        )
    campaign.set_status(Campaign.Status.APPROVED)
    campaign.approved_by, campaign.approved_at = by, now or timezone.now()
    campaign.save(update_fields=["status", "approved_by", "approved_at"])
    transaction.on_commit(lambda: _start_if_due(campaign.pk))
    return campaign


def _start_if_due(campaign_id: int) -> None:
    from portal.campaigns.tasks import campaign_start_task

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign and campaign.scheduled_at <= timezone.now():
        campaign_start_task.enqueue(campaign_id=campaign_id)


@transaction.atomic
def campaign_back_to_draft(*, by: User, campaign: Campaign) -> Campaign:
    if not (by.has_perm(APPROVE_PERMISSION) or by.pk == campaign.created_by_id):
        raise PermissionDenied(_("You may not change this campaign."))
    campaign.set_status(Campaign.Status.DRAFT)
    campaign.approved_by, campaign.approved_at = None, None
    campaign.save(update_fields=["status", "approved_by", "approved_at"])
    return campaign


@transaction.atomic
def campaign_cancel(*, by: User, campaign: Campaign) -> Campaign:
    if not (by.has_perm(APPROVE_PERMISSION) or by.pk == campaign.created_by_id):
        raise PermissionDenied(_("You may not change this campaign."))
    campaign.set_status(Campaign.Status.CANCELLED)
    campaign.save(update_fields=["status"])
    Delivery.objects.filter(
        campaign=campaign, status__in=[Delivery.Status.QUEUED, Delivery.Status.DEFERRED]
    ).update(status=Delivery.Status.SKIPPED, error="cancelled")
    return campaign


# --- what members do with a campaign's mail ---------------------------------------------------

CLUB_NEWS_FIELDS = {
    Channel.MAIL: "notify_club_news",
    Channel.SMS: "sms_club_news",
    Channel.SITE: "notice_club_news",
}


@transaction.atomic
def member_unsubscribe(*, member_id: int, delivery_id: int | None, channels=None) -> int:
    """Stop the club's news on these channels (all by default): the same preferences as the
    member's settings page. Counted on the delivery the link came from. Returns 1 when the member
    exists."""
    channels = list(channels or CLUB_NEWS_FIELDS)
    changed = MemberProfile.objects.filter(user_id=member_id).update(
        **{CLUB_NEWS_FIELDS[channel]: False for channel in channels}
    )
    if changed and delivery_id:
        Delivery.objects.filter(
            pk=delivery_id, member_id=member_id, unsubscribed_at__isnull=True
        ).update(unsubscribed_at=timezone.now())
    return changed


def delivery_click(*, delivery_id: int, url: str) -> None:
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return
    Click.objects.create(delivery=delivery, url=url[:500])
    Delivery.objects.filter(pk=delivery_id, clicked_at__isnull=True).update(
        clicked_at=timezone.now()
    )
