"""Every notification a case sends, in one place, so on-site notifications can be wired here.

Each function is called after the change commits; mail goes out through a background task so a
mail server that is down never blocks or undoes a change.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from forum.boards.notifications import notification_case_update
from forum.boards.services import MODERATORS_GROUP
from forum.cases.models import Case


def _case_url(case: Case) -> str:
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse("cases:case_detail", args=[case.pk])


def _topic_url(case: Case) -> str:
    from django.urls import reverse

    topic = case.topic
    return settings.SITE_URL.rstrip("/") + reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum_id,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )


@task()
def case_mail_send(*, recipients: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, None, recipients)


def _send(*, recipients: list[str], subject: str, body: str) -> None:
    recipients = sorted({r for r in recipients if r})
    if recipients:
        transaction.on_commit(
            lambda: case_mail_send.enqueue(recipients=recipients, subject=subject, body=body)
        )


def _department_recipients(case: Case) -> list[str]:
    department = case.department
    if department is None:
        return []
    emails = list(
        get_user_model()
        .objects.filter(groups=department.staff_group_id, is_active=True)
        .values_list("email", flat=True)
    )
    return [department.contact_email, *emails]


def _moderator_recipients() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=MODERATORS_GROUP, is_active=True)
        .values_list("email", flat=True)
    )


def member_status_changed(*, case: Case) -> None:
    """Tell the member who opened the topic that their case moved."""
    poster = case.topic.poster
    if poster is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your case “%(subject)s” is now: %(status)s") % {
            "subject": case.topic.subject,
            "status": case.get_status_display(),
        }
        body = _("Department: %(department)s\nDue: %(due)s\n\n%(url)s") % {
            "department": case.department or _("not yet assigned"),
            "due": timezone.localtime(case.resolution_due).strftime("%Y-%m-%d %H:%M")
            if case.resolution_due
            else "—",
            "url": _topic_url(case),
        }
    notification_case_update(recipient=poster, topic=case.topic, message=subject)
    profile = getattr(poster, "member_profile", None)
    if profile is None or profile.notify_cases:
        _send(recipients=[poster.email], subject=subject, body=body)


def department_assigned(*, case: Case) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New case for %(department)s: %(subject)s") % {
            "department": case.department,
            "subject": case.topic.subject,
        }
        body = _case_url(case)
    _send(recipients=_department_recipients(case), subject=subject, body=body)


def department_warn(*, case: Case, kind: str) -> None:
    from forum.cases.models import SLAAlert

    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(alert)s: %(subject)s") % {
            "alert": SLAAlert.Kind(kind).label,
            "subject": case.topic.subject,
        }
        body = _case_url(case)
    _send(recipients=_department_recipients(case), subject=subject, body=body)


def moderators_escalate(*, case: Case, kind: str) -> None:
    from forum.cases.models import SLAAlert

    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Escalation — %(alert)s: %(subject)s") % {
            "alert": SLAAlert.Kind(kind).label,
            "subject": case.topic.subject,
        }
        body = _case_url(case)
    _send(recipients=_moderator_recipients(), subject=subject, body=body)
