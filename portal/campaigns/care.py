"""Care: birthday greetings, once a year, with the ``birthday`` points event.

``python manage.py campaigns_daily`` (cron, every morning) greets the members whose birthday is
today and who asked for greetings; a member born on 29 February is greeted on 28 February in
other years. A ``BirthdayGreeting`` row per (member, year) makes a rerun greet and pay nobody
twice; the points come from whatever rules administrators set on the ``birthday`` event (a rule
limited to levels is "the level's benefits say so").

A level may also name a birthday gift (``MemberLevel.birthday_gift``, a catalogue item): under
the same once-a-year key the member receives it as a zero-cost redemption that follows the item's
pipeline (``portal.rewards.services.reward_gift_grant``: one unit of stock, a code to show at the
counter, or a delivery staff arrange). Out of stock, the greeting says so and the greeting row
records it for staff (admin: birthday greetings, filtered by gift).
"""

import calendar
import datetime
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.campaigns.models import BirthdayGreeting
from portal.campaigns.selectors import _members_base
from portal.members.models import MemberLevel, User
from portal.members.notices import notice_send
from portal.members.points import points_event_pay
from portal.rewards.models import Fulfilment, RewardOption
from portal.rewards.services import RewardOutOfStock, reward_gift_grant

logger = logging.getLogger(__name__)


def birthday_members(*, today: datetime.date):
    today_q = Q(member_profile__birth_month=today.month, member_profile__birth_day=today.day)
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        today_q |= Q(member_profile__birth_month=2, member_profile__birth_day=29)
    return (
        _members_base()
        .filter(today_q, member_profile__birthday_greetings=True)
        .exclude(birthday_greetings__year=today.year)
        .select_related("member_profile", "member_profile__level__birthday_gift")
    )


def _gift_give(*, greeting: BirthdayGreeting, level: MemberLevel) -> str:
    """Give the level's birthday gift under the greeting's key; what to tell the member."""
    item = level.birthday_gift
    greeting.gift_item = item
    names = {"level": level.name, "item": item.name}
    try:
        with transaction.atomic():
            fulfilment = reward_gift_grant(
                member=greeting.member,
                item=item,
                reason=_("%(level)s birthday gift %(year)d")
                % {"level": level.name, "year": greeting.year},
            )
    except RewardOutOfStock:
        logger.warning("birthday gift %s out of stock for member %s", item.pk, greeting.member_id)
        greeting.gift_status = BirthdayGreeting.GiftStatus.OUT_OF_STOCK
        greeting.save(update_fields=["gift_item", "gift_status"])
        return (
            _(
                "Your %(level)s birthday gift, %(item)s, is out of stock at the moment; the "
                "club's staff have been told and will contact you."
            )
            % names
        )
    greeting.gift_status = BirthdayGreeting.GiftStatus.GRANTED
    greeting.gift_fulfilment = fulfilment
    greeting.save(update_fields=["gift_item", "gift_status", "gift_fulfilment"])
    if fulfilment.method == RewardOption.Method.DELIVERY:
        return (
            _(
                "Your %(level)s birthday gift, %(item)s, will be delivered to you: the club's "
                "staff will call you to confirm the address."
            )
            % names
        )
    places = "、".join(outlet.name for outlet in _gift_places(fulfilment))
    return _(
        "Your %(level)s birthday gift, %(item)s, is waiting for you: show its code in “Redeem "
        "points” at %(places)s before %(date)s."
    ) % {
        **names,
        "places": places or _("a club service centre"),
        "date": timezone.localtime(fulfilment.code_expires_at).date().isoformat(),
    }


def _gift_places(fulfilment: Fulfilment):
    option = RewardOption.objects.filter(item_id=fulfilment.request.item_id).first()
    return list(option.outlets.filter(active=True)) if option else []


def birthday_greet(*, member: User, today: datetime.date) -> bool:
    """Greet one member for this year's birthday, with the ``birthday`` points rules and the
    level's gift; False when already greeted this year."""
    try:
        with transaction.atomic():
            greeting = BirthdayGreeting.objects.create(member=member, year=today.year)
            profile = member.member_profile
            name = profile.real_name or member.public_name
            title = _("Happy birthday, %(name)s!") % {"name": name}
            body = _("The club wishes you a happy birthday and a wonderful year.")
            url = "/me/points/"
            level = profile.level
            if level is not None and level.birthday_gift_id:
                body = f"{body}\n{_gift_give(greeting=greeting, level=level)}"
                url = reverse("me_rewards")
            notice_send(recipient=member, kind="birthday", title=title, body=body, url=url)
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
