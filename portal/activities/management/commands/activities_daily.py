from django.core.management.base import BaseCommand

from portal.activities.services import activities_record_no_shows, activity_reminders_send


class Command(BaseCommand):
    help = "Send tomorrow's activity reminders (once each) and record no-shows of ended activities."

    def handle(self, *args, **options):
        reminders = activity_reminders_send()
        no_shows = activities_record_no_shows()
        self.stdout.write(f"reminders={reminders} no_shows={no_shows}")
