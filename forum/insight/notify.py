"""What the improvement list tells the members whose feedback it carries.

One site notification per member and move (on the topic they wrote, so it shows beside it), and
a mail when they asked for mail about their topics; sent after the move commits.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from forum.boards.models import NotificationPreference
from forum.boards.notifications import notification_case_update
from forum.insight.models import ImprovementEvent, ImprovementItem
from forum.insight.selectors import linked_members

NOTIFIED_STATUSES = (
    ImprovementItem.Status.PROPOSED,
    ImprovementItem.Status.ADOPTED,
    ImprovementItem.Status.IMPLEMENTED,
    ImprovementItem.Status.DECLINED,
)


def _message(item: ImprovementItem, event: ImprovementEvent) -> str:
    status = item.Status
    texts = {
        status.PROPOSED: _(
            "Your feedback was put on the improvement list of %(department)s: “%(title)s”."
        ),
        status.ADOPTED: _("Your feedback was adopted by %(department)s: “%(title)s”."),
        status.IMPLEMENTED: _(
            "Your feedback was put into practice by %(department)s: “%(title)s”."
        ),
        status.DECLINED: _("%(department)s will not take up “%(title)s” for now: %(reason)s"),
    }
    return texts[event.to_status] % {
        "department": item.department.name,
        "title": item.title,
        "reason": event.reason,
    }


def improvement_notify(*, item_id: int) -> int:
    """Tell the linked members about the item's latest move; returns how many were told."""
    item = ImprovementItem.objects.select_related("department").filter(pk=item_id).first()
    if item is None:
        return 0
    event = item.events.order_by("-created_at", "-pk").first()
    if event is None or event.to_status not in NOTIFIED_STATUSES:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        message = _message(item, event)
    members = linked_members(item=item)
    own_topics = {}
    for topic in item.topics.filter(poster__in=members).order_by("pk"):
        own_topics.setdefault(topic.poster_id, topic)
    mail_ids = set(
        NotificationPreference.objects.filter(user__in=members, email_on_reply=True).values_list(
            "user_id", flat=True
        )
    )
    for member in members:
        notification = notification_case_update(
            recipient=member, topic=own_topics.get(member.pk), message=message
        )
        if member.pk in mail_ids and member.email:

            def enqueue(pk=notification.pk):
                from forum.boards.tasks import send_notification_email

                send_notification_email.enqueue(notification_id=pk)

            transaction.on_commit(enqueue)
    return len(members)
