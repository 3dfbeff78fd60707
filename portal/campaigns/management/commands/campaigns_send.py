from django.core.management.base import BaseCommand

from portal.campaigns.sending import campaigns_due


class Command(BaseCommand):
    help = (
        "Start approved campaigns whose time has come, requeue dead workers' claims and send "
        "what is due (retries, SMS after quiet hours); run it every minute from cron."
    )

    def handle(self, *args, **options):
        result = campaigns_due()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in result.items()))
