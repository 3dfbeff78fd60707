from django.core.management.base import BaseCommand

from portal.campaigns.care import birthdays_send


class Command(BaseCommand):
    help = "Send today's birthday greetings (once a year per member, with the birthday points)."

    def handle(self, *args, **options):
        self.stdout.write(f"birthdays={birthdays_send()}")
