import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from portal.members.notices import notice_send

logger = logging.getLogger(__name__)


def _message(signup, event: str) -> tuple[str, str]:
    activity = signup.activity
    when = timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M")
    facts = {"title": activity.title, "when": when, "place": activity.place}
    titles = {
        "confirmed": _("Signed up: %(title)s"),
        "waiting": _("On the waiting list: %(title)s"),
        "promoted": _("A place became free: you are signed up for %(title)s"),
        "reminder": _("Tomorrow: %(title)s"),
        "changed": _("Changed: %(title)s"),
        "cancelled": _("Cancelled: %(title)s"),
    }
    bodies = {
        "confirmed": _("%(when)s at %(place)s. Show your member card at the door."),
        "waiting": _("The activity is full. We will tell you when a place becomes free."),
        "promoted": _("%(when)s at %(place)s. Show your member card at the door."),
        "reminder": _("%(when)s at %(place)s. Show your member card at the door."),
        "changed": _("It now takes place %(when)s at %(place)s."),
        "cancelled": _("The club cancelled this activity. Points held for it were returned."),
    }
    return titles[event] % facts, bodies[event] % facts


@task()
def send_activity_message(*, signup_id: int, event: str) -> None:
    """Site message, mail and SMS for one sign-up event."""
    from portal.activities.models import Signup
    from portal.messaging.sms import SmsError, sms_send

    signup = (
        Signup.objects.select_related("activity", "member", "member__member_profile")
        .filter(pk=signup_id)
        .first()
    )
    if signup is None:
        return
    member = signup.member
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _message(signup, event)
    url = signup.activity.url or ""
    notice_send(recipient=member, kind=f"activity_{event}", title=title, body=body, url=url)
    if member.email:
        send_mail(title, f"{body}\n\n{settings.SITE_URL}{url}", None, [member.email])
    profile = getattr(member, "member_profile", None)
    if profile is not None and profile.mobile:
        try:
            sms_send(mobile=profile.mobile, text=f"{title} {body}")
        except SmsError:
            logger.warning("activity SMS to member %s failed", member.pk, exc_info=True)
