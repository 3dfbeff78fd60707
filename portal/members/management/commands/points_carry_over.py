import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.members.points import points_expire, points_expiry_notify


class Command(BaseCommand):
    help = (
        "Year-end carry-over (结转): expire reward points older than POINTS_EXPIRY_MONTHS. "
        "With --notify, only tell members (by mail, once) what will expire on that date; run it "
        "POINTS_EXPIRY_NOTICE_DAYS before."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="The carry-over date (default: 31 December of this year).",
        )
        parser.add_argument("--notify", action="store_true", help="Send notices, expire nothing.")

    def handle(self, *args, date=None, notify=False, **options):
        on = date or timezone.localdate().replace(month=12, day=31)
        if notify:
            sent = points_expiry_notify(on=on)
            self.stdout.write(f"notices sent: {sent} (points expiring on {on})")
            return
        result = points_expire(on=on)
        self.stdout.write(
            f"expired {result['points']} points of {result['members']} members "
            f"(earned more than {settings.POINTS_EXPIRY_MONTHS} months before {on})"
        )
