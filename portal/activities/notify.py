"""Telling members about their sign-ups: a site message, a mail and an SMS.

Services call :func:`after_commit`; the message goes out from a task once the transaction that
changed the sign-up has committed, so a rolled-back sign-up never sends a confirmation.
"""

from django.db import transaction

EVENTS = ("confirmed", "waiting", "promoted", "reminder", "changed", "cancelled")


def after_commit(*, signup, event: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown activity message {event!r}")
    from portal.activities.tasks import send_activity_message

    transaction.on_commit(lambda: send_activity_message.enqueue(signup_id=signup.pk, event=event))
