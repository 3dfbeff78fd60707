"""Spreadsheet exports: every cell a spreadsheet program could run as a formula is
neutralised (a leading apostrophe), in CSV and in XLSX alike."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Numbers stay numbers; text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plan_xlsx(*, year: int, months: list[dict]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year)
    sheet.append(
        [_("Month"), _("Activity"), _("In the plan"), _("Starts at"), _("City"), _("Places"),
         _("Budget (yuan)"), _("Actual cost (yuan)"), _("Signed up"), _("Waiting list"),
         _("Attended"), _("Satisfaction (1–5)"), _("Published")]
    )  # fmt: skip
    for month in months:
        for activity in month["activities"]:
            summary = getattr(activity, "experience_summary", None) if _has(activity) else None
            sheet.append(
                [
                    month["month"],
                    spreadsheet_safe(activity.title),
                    _("Yes") if activity.planned else _("No"),
                    timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
                    spreadsheet_safe(activity.city),
                    activity.capacity,
                    float(activity.budget) if activity.budget is not None else None,
                    float(summary.cost) if summary and summary.cost is not None else None,
                    activity.n_confirmed,
                    activity.n_waiting,
                    activity.n_attended,
                    round(activity.avg_rating, 2) if activity.avg_rating else None,
                    _("Yes") if activity.live else _("No"),
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _has(activity) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        activity.experience_summary  # noqa: B018
    except ObjectDoesNotExist:
        return False
    return True
