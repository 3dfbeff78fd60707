"""Care: birthday greetings, once a year, with the ``birthday`` points event.

``python manage.py campaigns_daily`` (cron, every morning) greets the members whose birthday is
today and who asked for greetings; a member born on 29 February is greeted on 28 February in
other years. A ``BirthdayGreeting`` row per (member, year) makes a rerun greet and pay nobody
twice; the points come from whatever rules administrators set on the ``birthday`` event (a rule
limited to levels is "the level's benefits say so").
"""

import calendar
import datetime
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.campaigns.models import BirthdayGreeting
from portal.campaigns.selectors import _members_base
from portal.members.models import User
from portal.members.notices import notice_send
from portal.members.points import points_event_pay

logger = logging.getLogger(__name__)


def birthday_members(*, today: datetime.date):
    today_q = Q(member_profile__birth_month=today.month, member_profile__birth_day=today.day)
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        today_q |= Q(member_profile__birth_month=2, member_profile__birth_day=29)
    return (
        _members_base()
        .filter(today_q, member_profile__birthday_greetings=True)
        .exclude(birthday_greetings__year=today.year)
        .select_related("member_profile")
    )


def birthday_greet(*, member: User, today: datetime.date) -> bool:
    """Greet one member for this year's birthday; False when already greeted."""
    try:
        with transaction.atomic():
            BirthdayGreeting.objects.create(member=member, year=today.year)
            name = member.member_profile.real_name or member.public_name
            title = _("Happy birthday, %(name)s!") % {"name": name}
            body = _("The club wishes you a happy birthday and a wonderful year.")
            notice_send(
                recipient=member, kind="birthday", title=title, body=body, url="/me/points/"
            )
            points_event_pay(
                member=member,
                event="birthday",
                source_key=f"birthday:{today.year}:{member.pk}",
                reason=_("Birthday %(year)d") % {"year": today.year},
            )
            if member.email:
                send_mail(title, body, None, [member.email])
    except IntegrityError:
        return False
    return True


def birthdays_send(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    greeted = 0
    for member in birthday_members(today=today).iterator(chunk_size=500):
        greeted += birthday_greet(member=member, today=today)
    return greeted
