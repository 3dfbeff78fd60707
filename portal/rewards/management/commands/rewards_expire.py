from django.core.management.base import BaseCommand

from portal.rewards.services import rewards_expire


class Command(BaseCommand):
    help = "Expire redemption codes not used in time: release their points and return the stock."

    def handle(self, *args, **options):
        expired = rewards_expire()
        self.stdout.write(f"expired={expired}")
