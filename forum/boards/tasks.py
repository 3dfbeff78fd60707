from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from forum.boards.models import Notification


@task()
def send_notification_email(*, notification_id: int) -> bool:
    """Email one on-site notification to its recipient (who opted in)."""
    notification = (
        Notification.objects.select_related("recipient", "topic__forum")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return False
    link = settings.SITE_URL + reverse("boards:notifications")
    send_mail(
        subject=_("[客户会] %(message)s") % {"message": notification.message},
        message=_("%(message)s\n\nRead it on the site: %(link)s")
        % {
            "message": notification.message,
            "link": link,
        },
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    return True
