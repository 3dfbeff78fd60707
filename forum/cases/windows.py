"""The member's time windows (settings): answering at 待会员确认, reopening a resolved case."""

from datetime import timedelta

from django.conf import settings


def confirm_window() -> timedelta:
    """How long a case waits for the member's confirmation before it is resolved without it."""
    return timedelta(days=getattr(settings, "CASE_CONFIRM_DAYS", 7))


def reopen_window() -> timedelta:
    """How long after its resolution the member may reopen a case."""
    return timedelta(days=getattr(settings, "CASE_REOPEN_DAYS", 14))
