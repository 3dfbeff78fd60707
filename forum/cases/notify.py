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
from forum.cases.models import Case, DepartmentAlertPreference
from forum.cases.rating_links import rating_token_make
from forum.cases.windows import confirm_window, reopen_window
from portal.members.notices import notice_send


def _case_path(case: Case) -> str:
    from django.urls import reverse

    return reverse("cases:case_detail", args=[case.pk])


def _case_url(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + _case_path(case)


def _topic_url(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + _topic_path(case)


def _topic_path(case: Case) -> str:
    from django.urls import reverse

    topic = case.topic
    return reverse(
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


def _moderators():
    return get_user_model().objects.filter(groups__name=MODERATORS_GROUP, is_active=True)


def _moderator_recipients() -> list[str]:
    return list(_moderators().values_list("email", flat=True))


def _next_step(case: Case) -> str:
    """What happens next, in plain words, for the member (call inside a language override)."""
    due = (
        timezone.localtime(case.resolution_due).strftime("%Y-%m-%d %H:%M")
        if case.resolution_due
        else "—"
    )
    status = case.status
    if status == Case.Status.NEW:
        return _("Our customer relations team will pass it to the department that can act on it.")
    if status == Case.Status.ASSIGNED:
        return _("%(department)s has your case and will answer by %(due)s.") % {
            "department": case.department,
            "due": due,
        }
    if status == Case.Status.IN_PROGRESS:
        return _(
            "%(department)s is working on it and answers in your topic; it is due by %(due)s."
        ) % {"department": case.department, "due": due}
    if status == Case.Status.AWAITING_MEMBER:
        return _(
            "The department thinks it is solved. Please confirm on the topic page, or tell us it "
            "is still not solved. Without an answer in %(days)d days it is closed as resolved."
        ) % {"days": confirm_window().days}
    if status == Case.Status.RESOLVED:
        return _(
            "Your case is resolved. Please tell us how satisfied you are. If the problem comes "
            "back, you can reopen it on the topic page within %(days)d days."
        ) % {"days": reopen_window().days}
    return _("Your case is closed.")


def _rating_url(case: Case) -> str:
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse(
        "me_case_rate_link", args=[rating_token_make(case=case)]
    )


def member_status_changed(*, case: Case) -> None:
    """Tell the member whose case it is that it moved, and what happens next."""
    member = case.member or case.topic.poster
    if member is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your case “%(subject)s” is now: %(status)s") % {
            "subject": case.topic.subject,
            "status": case.get_status_display(),
        }
        next_step = _next_step(case)
        lines = [next_step, ""]
        if case.status == Case.Status.RESOLVED and case.satisfaction is None:
            lines += [
                _("Rate it with one click (no login needed, the link works once):"),
                _rating_url(case),
                "",
            ]
        lines.append(_topic_url(case) if not case.member_id else "")
        body = "\n".join(lines).strip()
    if not case.member_id:
        notification_case_update(
            recipient=member, topic=case.topic, message=f"{subject} · {next_step}"
        )
    else:
        # A service-desk case's topic is staff only: the member hears of it in their inbox.
        notice_send(recipient=member, kind="case_status", title=subject, body=next_step)
    profile = getattr(member, "member_profile", None)
    if profile is None or profile.notify_cases:
        _send(recipients=[member.email], subject=subject, body=body)


def member_case_recorded(*, case: Case) -> None:
    """A desk case was opened for the member: tell them its number and what happens next."""
    member = case.member
    if member is None:
        return
    from django.urls import reverse

    with translation.override(settings.LANGUAGE_CODE):
        title = _("We recorded your %(channel)s as case #%(n)d: %(subject)s") % {
            "channel": case.get_channel_display(),
            "n": case.pk,
            "subject": case.topic.subject,
        }
        body = _next_step(case)
    notice_send(
        recipient=member, kind="case_recorded", title=title, body=body, url=reverse("me_cases")
    )


def member_auto_closed(*, case: Case) -> None:
    """The member did not answer in time: say the case was resolved and how to reopen it."""
    member = case.member or case.topic.poster
    if member is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("We closed “%(subject)s” as resolved") % {"subject": case.topic.subject}
        body = _(
            "You did not answer within %(days)d days, so we consider it solved. "
            "If it is not, reopen it from your cases."
        ) % {"days": confirm_window().days}
    from django.urls import reverse

    notice_send(
        recipient=member, kind="case_auto_closed", title=title, body=body, url=reverse("me_cases")
    )


def department_member_answered(*, case: Case, reason: str) -> None:
    """The member says it is still not solved (or reopened it): the department hears at once."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Not solved yet, says the member: %(subject)s") % {
            "subject": case.topic.subject
        }
        body = f"{reason}\n\n{_case_url(case)}"
    _send(recipients=_department_recipients(case), subject=subject, body=body)
    if case.assignee_id:
        notice_send(
            recipient=case.assignee, kind="case_reopened", title=subject, url=_case_path(case)
        )


def member_outcome(*, case: Case) -> None:
    """A suggestion's outcome and its reason, told to the member."""
    member = case.member or case.topic.poster
    if member is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Your suggestion “%(subject)s”: %(outcome)s") % {
            "subject": case.topic.subject,
            "outcome": case.get_outcome_display(),
        }
    notice_send(
        recipient=member,
        kind="suggestion_outcome",
        title=title,
        body=case.outcome_reason,
        url=_topic_path(case) if not case.member_id else "",
    )


def moderators_low_rating(*, case: Case) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Low rating (%(n)d/5), follow up: %(subject)s") % {
            "n": case.satisfaction or 0,
            "subject": case.topic.subject,
        }
    _send(recipients=_moderator_recipients(), subject=subject, body=_case_url(case))
    for moderator in _moderators():
        notice_send(
            recipient=moderator, kind="case_low_rating", title=subject, url=_case_path(case)
        )


def staff_mentioned(*, case: Case, author, users) -> None:
    """Staff @mentioned in an internal note. The note itself stays on the case page."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(author)s mentioned you in a note on case #%(n)d") % {
            "author": author.get_username() if author else "",
            "n": case.pk,
        }
    for user in users:
        notice_send(recipient=user, kind="case_mention", title=title, url=_case_path(case))


def owner_assigned(*, case: Case, owner, by) -> None:
    if owner is None or owner == by:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Case #%(n)d is now yours: %(subject)s") % {
            "n": case.pk,
            "subject": case.topic.subject,
        }
    notice_send(recipient=owner, kind="case_owner", title=title, url=_case_path(case))


def department_assigned(*, case: Case) -> None:
    """A case reached a department: its staff and heads hear of it on the site and by mail, each
    as their alert preference says; the department's own address always gets the mail."""
    department = case.department
    if department is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New case for %(department)s: %(subject)s") % {
            "department": department,
            "subject": case.topic.subject,
        }
        body = _case_url(case)
    staff = list(department.members())
    preferences = {p.user_id: p for p in DepartmentAlertPreference.objects.filter(user__in=staff)}
    default = DepartmentAlertPreference()
    for user in staff:
        if preferences.get(user.pk, default).on_site:
            notice_send(recipient=user, kind="case_new", title=subject, url=_case_path(case))
    emails = [u.email for u in staff if preferences.get(u.pk, default).by_email]
    _send(recipients=[department.contact_email, *emails], subject=subject, body=body)


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
