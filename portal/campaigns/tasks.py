"""Background tasks: start an approved campaign, then send it in parallel workers.

With the database task backend several ``db_worker`` processes share the sending (each claims
its own batches); with the in-process backend the approval request itself sends. Deferred rows
(retries, SMS quiet hours) are picked up by ``python manage.py campaigns_send`` from cron.
"""

import logging

from django.conf import settings
from django_tasks import task

from portal.campaigns.models import Campaign, Delivery
from portal.campaigns.sending import campaign_send, campaign_start

logger = logging.getLogger(__name__)


@task()
def campaign_start_task(*, campaign_id: int) -> None:
    campaign = campaign_start(campaign_id=campaign_id)
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return
    for _worker in range(getattr(settings, "CAMPAIGN_SEND_WORKERS", 2)):
        campaign_send_task.enqueue(campaign_id=campaign_id)


@task()
def campaign_send_task(*, campaign_id: int) -> dict:
    totals = campaign_send(
        campaign_id=campaign_id, time_budget=getattr(settings, "CAMPAIGN_TASK_SECONDS", 120)
    )
    due = Delivery.objects.filter(
        campaign_id=campaign_id, status=Delivery.Status.QUEUED, campaign__status="sending"
    ).exists()
    if due:  # the time budget ran out: the next task continues where this one stopped
        campaign_send_task.enqueue(campaign_id=campaign_id)
    return dict(totals)
