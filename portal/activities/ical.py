"""iCalendar (RFC 5545) for activities: the index's feed and each page's "add to calendar"."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

PRODID = "-//kehuhui//activities//ZH"


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > 75:
            out.append(current.decode("utf-8"))
            current = b" "
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def _utc(value) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ical_text(*, activities: Iterable, site_url: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    stamp = _utc(timezone.now())
    for activity in activities:
        url = f"{site_url}{activity.url or ''}"
        location = " ".join(p for p in (activity.place, activity.address) if p)
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{activity.pk}@kehuhui",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(activity.starts_at)}",
            f"DTEND:{_utc(activity.ends_at)}",
            f"SUMMARY:{_escape(activity.title)}",
            f"LOCATION:{_escape(location)}",
            f"DESCRIPTION:{_escape(activity.summary)}",
            f"URL:{url}",
        ]
        if activity.cancelled:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def ical_response(*, activities: Iterable, filename: str, request) -> HttpResponse:
    site_url = getattr(settings, "SITE_URL", "") or request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(
        ical_text(activities=activities, site_url=site_url),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
