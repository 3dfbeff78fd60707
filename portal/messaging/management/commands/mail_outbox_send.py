from django.core.management.base import BaseCommand

from portal.messaging.mail import mail_send_due


class Command(BaseCommand):
    help = "Deliver outgoing mail whose (next) attempt is due; run it every minute from cron."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        counts = mail_send_due(limit=limit)
        self.stdout.write("sent={sent} waiting={waiting} failed={failed}".format(**counts))
