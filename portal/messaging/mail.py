"""Mail through an outbox: no request waits for, or fails because of, the mail server.

``EMAIL_BACKEND`` is :class:`OutboxEmailBackend` (settings), so every mail — allauth's sign-up
verification and password reset, case and forum notifications, points notices, anything that
calls Django's ``send_mail`` — is stored as an :class:`OutgoingMail` row in the caller's
transaction, and once that commits the ``mail_deliver`` task hands it to the real backend
(``MAIL_DELIVERY_BACKEND``, from ``EMAIL_URL``). A failed delivery is tried again after
``MAIL_RETRY_DELAYS`` (1 min, 5 min, 30 min, 2 h, 6 h by default), then marked failed. With the
database task backend the retry is a deferred task; with the in-process backend (no scheduler)
``python manage.py mail_outbox_send`` — run it every minute from cron, like ``cases_tick`` —
sends what is due. Waiting and failed mail is listed in the admin (*Outgoing mail*), where
"Retry now" sends the selected mail again.
"""

import base64
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from portal.messaging.models import OutgoingMail

logger = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)


def retry_delays() -> tuple[int, ...]:
    return tuple(getattr(settings, "MAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def _attachment_json(attachment) -> list:
    filename, content, mimetype = attachment
    if isinstance(content, str):
        content = content.encode("utf-8")
    return [filename, base64.b64encode(content).decode("ascii"), mimetype]


def mail_store(*, message: EmailMessage) -> OutgoingMail:
    """Keep one message in the outbox and deliver it once the current transaction commits."""
    mail = OutgoingMail.objects.create(
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=str(message.subject)[:998],
        body=message.body or "",
        alternatives=[
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        attachments=[_attachment_json(a) for a in message.attachments if isinstance(a, tuple)],
        headers=dict(message.extra_headers),
    )
    transaction.on_commit(lambda: mail_enqueue(mail_id=mail.pk))
    return mail


def mail_enqueue(*, mail_id: int, run_after=None) -> None:
    """Hand a stored mail to the task queue; a queue that is down leaves it for the command."""
    deliver = mail_deliver
    if run_after is not None:
        if not deliver.get_backend().supports_defer:
            return  # no scheduler: mail_outbox_send picks it up when it is due
        deliver = deliver.using(run_after=run_after)
    try:
        deliver.enqueue(mail_id=mail_id)
    except Exception:  # the mail waits in the outbox; the command sends it
        logger.exception("could not enqueue mail %s", mail_id)


def _message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email,
        to=mail.to,
        cc=mail.cc,
        bcc=mail.bcc,
        reply_to=mail.reply_to,
        headers=mail.headers,
        alternatives=[tuple(a) for a in mail.alternatives],
    )
    for filename, content, mimetype in mail.attachments:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def mail_deliver_now(*, mail_id: int) -> str:
    """Try to deliver one waiting mail; returns its status afterwards. Never raises for a mail
    server that is down: the error is recorded and the next attempt scheduled."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update()
            .filter(pk=mail_id, status=OutgoingMail.Status.WAITING)
            .first()
        )
        if mail is None:
            return "gone"
        try:
            connection = get_connection(settings.MAIL_DELIVERY_BACKEND, fail_silently=False)
            connection.send_messages([_message(mail)])
        except Exception as exc:  # SMTP errors, refused connections, timeouts, bad addresses
            mail.attempts += 1
            mail.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            delays = retry_delays()
            if mail.attempts > len(delays):
                mail.status = OutgoingMail.Status.FAILED
                logger.error("mail %s failed after %s attempts: %s", mail.pk, mail.attempts, exc)
            else:
                mail.next_attempt_at = timezone.now() + timedelta(seconds=delays[mail.attempts - 1])
                logger.warning(
                    "mail %s not delivered (attempt %s): %s", mail.pk, mail.attempts, exc
                )
            mail.save()
            if mail.status == OutgoingMail.Status.WAITING:
                run_after = mail.next_attempt_at
                transaction.on_commit(lambda: mail_enqueue(mail_id=mail.pk, run_after=run_after))
            return mail.status
        mail.attempts += 1
        mail.status = OutgoingMail.Status.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
        mail.save()
        return mail.status


@task()
def mail_deliver(*, mail_id: int) -> str:
    """The background task: deliver one mail of the outbox (retries scheduled as above)."""
    return mail_deliver_now(mail_id=mail_id)


def mail_send_due(*, now=None, limit: int = 500) -> dict[str, int]:
    """Deliver waiting mail whose next attempt is due (the periodic command)."""
    now = now or timezone.now()
    counts = {"sent": 0, "waiting": 0, "failed": 0}
    due = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.WAITING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")[:limit]
    for mail_id in list(due.values_list("pk", flat=True)):
        status = mail_deliver_now(mail_id=mail_id)
        if status in counts:
            counts[status] += 1
    return counts


def mail_retry(*, mail_ids) -> int:
    """Staff's "retry now": failed or waiting mail is tried again at once."""
    count = OutgoingMail.objects.filter(
        pk__in=list(mail_ids), status__in=[OutgoingMail.Status.WAITING, OutgoingMail.Status.FAILED]
    ).update(status=OutgoingMail.Status.WAITING, next_attempt_at=timezone.now())
    for mail_id in mail_ids:
        transaction.on_commit(lambda mail_id=mail_id: mail_enqueue(mail_id=mail_id))
    return count


class OutboxEmailBackend(BaseEmailBackend):
    """Django's ``EMAIL_BACKEND``: stores each message in the outbox instead of connecting."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            mail_store(message=message)
            count += 1
        return count
