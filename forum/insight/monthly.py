"""The monthly report by mail: on the 1st, last month's report to each subscriber, once.

HTML with the charts inline (SVG in the body), a plain-text part, and the XLSX of the cases
report attached, through the mail outbox (portal.messaging). ``ReportMailing`` (unique per user
and month) is written in the same transaction as the outbox row: a second run, a retried task or
two workers at once send nothing more.
"""

from __future__ import annotations

import io
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forum.insight.models import ReportMailing, ReportSubscription
from forum.insight.permissions import can_see_recurring_issues
from portal.members.exports import xlsx_append

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def previous_month(today: date | None = None) -> str:
    today = today or timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def _month_date(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1)


def subscribers():
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            insight_report_subscription__monthly_mail=True,
        )
        .exclude(email="")
        .order_by("pk")
    )


def subscribers_due(*, month: str) -> list[int]:
    """The subscribers who may read the report and have not had ``month``'s yet."""
    sent = set(
        ReportMailing.objects.filter(month=_month_date(month)).values_list("user_id", flat=True)
    )
    return [
        user.pk for user in subscribers() if user.pk not in sent and can_see_recurring_issues(user)
    ]


def _xlsx(*, report, context) -> bytes:
    from openpyxl import load_workbook

    from forum.cases.reports import report_xlsx

    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = workbook.create_sheet("recurring")
    xlsx_append(
        sheet,
        [
            _("Recurring issue"),
            _("Housing project"),
            _("Department"),
            _("Posts"),
            _("Topics"),
            _("Last 30 days"),
            _("30 days before"),
            _("Trend"),
            _("Cases"),
            _("Satisfaction average"),
        ],
    )
    for row in context["recurring_rows"]:
        issue = row["issue"]
        xlsx_append(
            sheet,
            [
                issue.name,
                str(issue.project or ""),
                str(issue.department or ""),
                issue.post_count,
                issue.topic_count,
                issue.recent_count,
                issue.previous_count,
                issue.get_trend_display(),
                issue.case_count,
                issue.satisfaction_average,
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def monthly_report_send(*, user_id: int, month: str) -> bool:
    """Mail ``month``'s report to one subscriber, unless it was sent already."""
    from forum.cases.models import Department
    from forum.cases.reports import report_build
    from forum.insight.permissions import headed_department_ids
    from forum.insight.report_panel import report_context
    from forum.visibility import is_moderator

    user = subscribers().filter(pk=user_id).first()
    if user is None or not can_see_recurring_issues(user):
        return False
    month_start = _month_date(month)
    if ReportMailing.objects.filter(user=user, month=month_start).exists():
        return False
    department = None
    if not is_moderator(user):
        department = Department.objects.filter(pk__in=headed_department_ids(user)).first()
    with translation.override(settings.LANGUAGE_CODE):
        report = report_build(year=month_start.year, month=month_start.month, department=department)
        context = report_context(user=user, department=department)
        context.update(report=report, month=month, site_url=settings.SITE_URL.rstrip("/"))
        subject = _("[客户会] Monthly report %(month)s") % {"month": month}
        html = render_to_string("insight/monthly_mail.html", context)
        text = render_to_string("insight/monthly_mail.txt", context)
        attachment = _xlsx(report=report, context=context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.attach(f"report-{month}.xlsx", attachment, XLSX)
    try:
        with transaction.atomic():
            ReportMailing.objects.create(user=user, month=month_start)
            message.send()
    except IntegrityError:  # another worker sent it a moment ago
        return False
    return True


def subscription_set(*, user, monthly_mail: bool) -> ReportSubscription:
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=user, defaults={"monthly_mail": monthly_mail}
    )
    return subscription
