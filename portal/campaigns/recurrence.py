"""Repeating campaigns: weekly care messages, yearly holiday greetings."""

import datetime

from django.utils import timezone

from portal.campaigns.models import Campaign


def campaign_next_occurrence(*, campaign: Campaign) -> Campaign | None:
    """A repeating campaign's next send, approved as the first was (weekly care, holidays)."""
    if not campaign.repeat or campaign.recurrences.exists():
        return None
    if campaign.repeat == Campaign.Repeat.WEEKLY:
        when = campaign.scheduled_at + datetime.timedelta(days=7)
    else:
        local = timezone.localtime(campaign.scheduled_at)
        try:
            when = local.replace(year=local.year + 1)
        except ValueError:  # 29 February
            when = local.replace(year=local.year + 1, day=28)
    fields = {
        f.name: getattr(campaign, f.name)
        for f in Campaign._meta.concrete_fields
        if f.name
        not in (
            "id",
            "status",
            "started_at",
            "finished_at",
            "recurrence_of",
            "created_at",
            "scheduled_at",
        )
    }
    return Campaign.objects.create(
        **fields, scheduled_at=when, status=Campaign.Status.APPROVED, recurrence_of=campaign
    )
