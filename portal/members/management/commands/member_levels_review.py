from django.core.management.base import BaseCommand

from portal.members.points import member_levels_yearly_review


class Command(BaseCommand):
    help = (
        "Yearly level review: members who earned fewer upgrade points in the past twelve months "
        "than their level's retention points move down one level (verified owners stay at least "
        "silver). Run once a year, e.g. on 1 January."
    )

    def handle(self, *args, **options):
        moved = member_levels_yearly_review()
        self.stdout.write(f"moved down: {moved['down']}")
